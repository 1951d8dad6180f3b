import type { FieldPath } from '../inputs/path.js';
import { asRecord } from '../inventory/index.js';
import type { Severity } from '../model/report.js';

/** A credential found in configuration, described without its value. */
export interface Credential {
  /** What it is: `password`, `AWS access key id`, … */
  readonly kind: string;
  /** A printable stand-in for the value: a format's public prefix and the length, e.g. `AKIA…(20 chars)`. */
  readonly hint: string;
  /** Matched by a token format rather than only by a credential-like name: near-certain. */
  readonly recognised: boolean;
  /** Where in the value: the 1-based line of a multi-line value; the key when the line is an assignment. */
  readonly line?: number;
  readonly key?: string;
}

/** Token formats recognised whatever the key; `prefix` is the public, non-secret part shown in hints. */
const FORMATS: readonly { kind: string; pattern: RegExp }[] = [
  { kind: 'AWS access key id', pattern: /\b(?<prefix>AKIA|ASIA)[A-Z0-9]{16}\b/g },
  {
    kind: 'private key',
    // Lenient on dashes and spaces, as hand-pasted keys are.
    pattern:
      /(?<prefix>-{3,}BEGIN (?:[A-Z0-9]+ +)*PRIVATE KEY-{3,})(?:[\s\S]*?-{3,}END +(?:[A-Z0-9]+ +)*PRIVATE KEY-{3,})?/g,
  },
  // Header and payload are base64url JSON objects, so both start with `{"`, which encodes as `eyJ`.
  { kind: 'JWT', pattern: /\b(?<prefix>eyJ)[\w-]+\.eyJ[\w-]+\.[\w-]+/g },
  { kind: 'GitHub token', pattern: /\b(?<prefix>gh[pousr]_|github_pat_)\w{22,}/g },
  { kind: 'GitLab token', pattern: /\b(?<prefix>glpat-)[\w-]{20,}/g },
  { kind: 'Slack token', pattern: /\b(?<prefix>xox[abprs]-)[A-Za-z0-9-]{10,}/g },
  // An Authorization header's value. A JWT is named as such; prose (`bearer authentication`) has no digit.
  {
    kind: 'bearer token',
    pattern: /\b(?<prefix>bearer)\s+(?!eyJ)(?=[\w.~+/-]*\d)[\w.~+/-]{8,}=*/gi,
  },
  // Userinfo may not hold a raw `@` or `/`, so the password ends at the first of them.
  {
    kind: 'connection string with a password',
    pattern: /\b(?<prefix>[a-z][a-z0-9+.-]*:\/\/)[^\s:@/]*:(?<password>[^\s@/]+)@[^\s@/]+/gi,
  },
];

/** The last word of a key name that makes its value a credential; suffixes count where no real word ends so (PGPASSWORD). */
const NAME_KINDS: readonly [RegExp, string][] = [
  [/(password|passwd|passphrase)$|^(pwd|pass)$/, 'password'],
  [/secret$/, 'secret'],
  [/token$/, 'token'],
  [/apikey$/, 'API key'],
  [/^(credentials?|auth)$/, 'credentials'],
];

/** Credential words that make a name a credential's wherever they stand (`GITHUB_TOKEN_PROD`, `SECRET_KEY_BASE`). */
const CONTAINED_KINDS: readonly [RegExp, string][] = [
  [/(password|passwd|passphrase)$/, 'password'],
  [/secret$/, 'secret'],
  [/token$/, 'token'],
  [/^apikey$/, 'API key'],
];

/**
 * Last words that make a name describe or locate a credential rather than hold it (`TOKEN_FILE`, `SECRET_NAME`,
 * `PASSWORD_MIN_LENGTH`), when the credential word is not last itself.
 */
const DESCRIBES = new Set([
  ...['file', 'path', 'dir', 'directory', 'url', 'uri', 'endpoint', 'host', 'port', 'name', 'ref', 'header'],
  ...['length', 'size', 'limit', 'count', 'ttl', 'timeout', 'expiry', 'lifetime', 'duration', 'interval'],
  ...['type', 'mode', 'format', 'algorithm', 'audience', 'issuer', 'scope', 'enabled', 'policy', 'version'],
]);

/** A number, optionally a duration (`8`, `3600`, `30s`, `24h`): a setting under a name that only contains a credential word. */
const SMALL_NUMBER = /^\d{1,6}(ms|s|m|h|d)?$/i;

/** `<qualifier>_KEY`: a bare `key` is as often a cache or partition key as a secret one. */
const KEY_KINDS: Readonly<Record<string, string>> = {
  api: 'API key',
  access: 'access key',
  private: 'private key',
  secret: 'secret key',
  ssh: 'SSH key',
  signing: 'signing key',
  encryption: 'encryption key',
  master: 'master key',
  session: 'session key',
};

/** Provider variables whose names break the rules above but hold credentials, by their words joined with `_`. */
const WELL_KNOWN: Readonly<Record<string, string>> = {
  azure_batch_key: 'Azure Batch account key',
  azure_storage_key: 'Azure Storage account key',
  azure_storage_account_key: 'Azure Storage account key',
  azure_cosmos_key: 'Azure Cosmos DB key',
  oci_cli_key_content: 'OCI API signing key',
  google_application_credentials_json: 'Google service account key',
};

/** File names of key material, for ConfigMap `binaryData` whose contents are not scanned. */
const KEY_FILE = /^id_(rsa|dsa|ecdsa|ed25519)$|\.(key|p12|pfx|jks|keystore)$/i;

/** Values of credential-named keys that configure rather than authenticate (`AUTH: "true"`). */
const SETTING = /^(true|false|yes|no|on|off|enabled?|disabled?|none|null|required|optional|[01])$/i;

/**
 * Values that point at a secret instead of being one: `$(VAR)` and `${VAR}` expansion, template variables,
 * file paths, and URLs (a URL carrying a password is caught as a connection string first).
 */
const REFERENCE = /^(\$\([^)]*\)|\$\{[^}]*\}|\{\{.*\}\}|(\/|~\/|\.\.?\/)\S*|[a-z][a-z0-9+.-]*:\/\/\S*)$/i;

/** `key=value`, `export KEY=value`, `key: value` and `"key": "value",`: one line of a properties, env, YAML or JSON file. */
// `scheme://` is a URL, not an assignment to `scheme`.
const ASSIGNMENT = /^\s*(?:export\s+)?["']?([\w.-]+)["']?\s*(?:=|:(?!\/\/))\s*(.*?)\s*,?\s*$/;

/**
 * Credentials in one configuration entry. Placeholders such as `changeme` are reported: deployed, they are weak
 * credentials. Empty values, settings and references are not. The value is also read line by line as a
 * configuration file (properties, .env, YAML, JSON), so `REDIS_PASSWORD=…` under any key is found.
 */
export function findCredentials(name: string, rawValue: string): Credential[] {
  const value = rawValue.trim();
  const lines = value.split(/\r?\n/);
  // Where in the value: the line of a multi-line value, and the key when that line is an assignment. A token that
  // starts inside what reads as the key (`AKIA…:secret`, an s3fs passwd line) is no name to print: the key would be
  // the credential itself.
  const at = (line: number, column = Number.POSITIVE_INFINITY) => {
    const text = lines[line - 1] ?? '';
    const key = ASSIGNMENT.exec(text)?.[1];
    const named = key !== undefined && column >= text.indexOf(key) + key.length;
    return { ...(lines.length > 1 ? { line } : {}), ...(named ? { key } : {}) };
  };
  const found: Credential[] = [];
  const linesWithToken = new Set<number>();
  for (const { kind, pattern } of FORMATS) {
    for (const match of value.matchAll(pattern)) {
      const { prefix, password } = match.groups ?? {};
      if (password !== undefined && REFERENCE.test(password)) continue;
      const before = value.slice(0, match.index);
      const line = before.split('\n').length;
      const column = match.index - (before.lastIndexOf('\n') + 1);
      // A PEM block spans lines; none of them is to be read again as an assignment.
      const lastLine = line + match[0].split('\n').length - 1;
      for (let covered = line; covered <= lastLine; covered++) linesWithToken.add(covered);
      found.push({ kind, hint: `${prefix}…(${match[0].length} chars)`, recognised: true, ...at(line, column) });
    }
  }
  lines.forEach((text, index) => {
    const [, key, assigned] = ASSIGNMENT.exec(text) ?? [];
    if (key === undefined || assigned === undefined || linesWithToken.has(index + 1)) return;
    const named = namedCredential(key, unquote(assigned));
    if (named) found.push({ ...named, ...at(index + 1) });
  });
  // The entry's own name speaks for a single value, not for a whole file.
  const named = found.length || lines.length > 1 ? undefined : namedCredential(name, value);
  return named ? [named] : found.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** What a credential-like key name holds, or undefined for ordinary names and references (`PASSWORD_FILE`). */
export function credentialName(name: string): string | undefined {
  return nameMatch(name)?.kind;
}

/** The kind a name suggests, and whether only a word inside it (not its last) does: a weaker hint. */
function nameMatch(name: string): { kind: string; inside: boolean } | undefined {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .map((word) => word.replace(/\d+$/, ''))
    .filter(Boolean);
  const last = words.at(-1);
  if (last === undefined) return undefined;
  const byLast =
    WELL_KNOWN[words.join('_')] ??
    (last === 'key' ? KEY_KINDS[words.at(-2) ?? ''] : NAME_KINDS.find(([pattern]) => pattern.test(last))?.[1]);
  if (byLast) return { kind: byLast, inside: false };
  if (DESCRIBES.has(last)) return undefined;
  for (const [index, word] of words.slice(0, -1).entries()) {
    const joined = word === 'api' && words[index + 1] === 'key' ? 'apikey' : word;
    const kind = CONTAINED_KINDS.find(([pattern]) => pattern.test(joined))?.[1];
    if (kind) return { kind, inside: true };
  }
  return undefined;
}

/** The kind of key material a file name suggests, for keys whose contents cannot be read. */
export function credentialFileName(name: string): string | undefined {
  return credentialName(name) ?? (KEY_FILE.test(name) ? 'key file' : undefined);
}

/** High when a token format was recognised, medium when only names suggest credentials. */
export function credentialSeverity(credentials: readonly Credential[]): Severity {
  return credentials.some((credential) => credential.recognised) ? 'high' : 'medium';
}

/** `password (9 chars)`, or `'db.password', line 3: password (9 chars)`: never the value. */
export function describeCredentials(credentials: readonly Credential[]): string {
  return credentials
    .map(({ kind, hint, line, key }) => {
      const at = [key && `'${key}'`, line && `line ${line}`].filter(Boolean).join(', ');
      return `${at ? `${at}: ` : ''}${kind} ${hint}`;
    })
    .join('; ');
}

function namedCredential(name: string, value: string): Credential | undefined {
  const match = nameMatch(name);
  if (match === undefined || value === '' || SETTING.test(value) || REFERENCE.test(value)) return undefined;
  // `PASSWORD` set to `1234` is a weak password; `TOKEN_REFRESH_SECONDS` set to `300` is a setting.
  if (match.inside && SMALL_NUMBER.test(value)) return undefined;
  return { kind: match.kind, hint: `(${value.length} chars)`, recognised: false };
}

function unquote(value: string): string {
  return value.replace(/^(["'])(.*)\1$/, '$2');
}

/** A ConfigMap entry that holds a credential, described without its value. */
export interface ConfigMapCredential {
  readonly path: FieldPath;
  readonly severity: Severity;
  /** Names the key and what it holds: `ConfigMap key 'db' holds a plain-text credential: password (9 chars)`. */
  readonly message: string;
}

/**
 * Credentials in a ConfigMap's `data` (by value and key name) and `binaryData` (by key name only: binary values are
 * not text to scan). The scan's check and the audit detection of ConfigMaps written both read them here.
 */
export function configMapCredentials(configMap: Readonly<Record<string, unknown>>): ConfigMapCredential[] {
  const found: ConfigMapCredential[] = [];
  for (const [key, value] of Object.entries(asRecord(configMap.data))) {
    if (typeof value !== 'string') continue;
    const credentials = findCredentials(key, value);
    if (!credentials.length) continue;
    found.push({
      path: ['data', key],
      severity: credentialSeverity(credentials),
      message: `ConfigMap key '${key}' holds a plain-text credential: ${describeCredentials(credentials)}`,
    });
  }
  for (const key of Object.keys(asRecord(configMap.binaryData))) {
    const kind = credentialFileName(key);
    if (kind === undefined) continue;
    found.push({
      path: ['binaryData', key],
      severity: 'medium',
      message: `ConfigMap binaryData key '${key}' is named like a credential (${kind})`,
    });
  }
  return found;
}
