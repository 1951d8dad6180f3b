import { type FieldPath, formatPath } from '../../inputs/path.js';
import { asRecord, type Inventory, POD_SPEC_PATHS, type Resource } from '../../inventory/index.js';
import { PSA_LEVELS, PSA_MODES, type PsaLevel, type PsaMode, podSecurityOf } from '../../k8s/pod-security.js';
import type { AdmissionEngine, AdmissionRequest, Answering, PolicyOutcome } from '../types.js';
import { type PssPod, type PssVersion, podSecurityMessage, podSecurityViolations } from './pss.js';

/**
 * Pod Security admission, as the API server's built-in plugin decides: the Namespace's `enforce`, `warn` and `audit`
 * labels (else the defaults of the PodSecurity plugin's configuration), its exemptions, and the Pod Security
 * Standards checks of `pss.ts`. `enforce` rejects Pods only; for a controller's pod template the plugin only warns
 * and audits, and the controller's Pods are rejected when they are created.
 */

/** The PodSecurity plugin's configuration, when the input holds one. */
export interface PodSecurityConfig {
  /** The object it was read from: an AdmissionConfiguration or a PodSecurityConfiguration. */
  readonly resource: Resource;
  /** Where the configuration is inside it. */
  readonly path: FieldPath;
  readonly defaults: Partial<Record<PsaMode, string>> & Partial<Record<`${PsaMode}-version`, string>>;
  readonly exemptNamespaces: readonly string[];
  readonly exemptRuntimeClasses: readonly string[];
  readonly exemptUsernames: readonly string[];
  /** Set when the plugin's configuration lives in a file the input does not hold. */
  readonly elsewhere?: string;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

const configs = new WeakMap<Inventory, { config: PodSecurityConfig | undefined }>();

/** The PodSecurity configuration the input holds, if any: the first AdmissionConfiguration or PodSecurityConfiguration. */
export function podSecurityConfigOf(inventory: Inventory): PodSecurityConfig | undefined {
  let entry = configs.get(inventory);
  if (!entry) {
    entry = { config: readPodSecurityConfig(inventory) };
    configs.set(inventory, entry);
  }
  return entry.config;
}

function readPodSecurityConfig(inventory: Inventory): PodSecurityConfig | undefined {
  for (const resource of inventory.ofKind('AdmissionConfiguration')) {
    const plugins = resource.object.plugins;
    if (!Array.isArray(plugins)) continue;
    const index = plugins.findIndex((plugin) => asRecord(plugin).name === 'PodSecurity');
    if (index < 0) continue;
    const plugin = asRecord(plugins[index]);
    if (plugin.configuration === undefined && typeof plugin.path === 'string') {
      return readConfig(resource, ['plugins', index], {}, plugin.path);
    }
    return readConfig(resource, ['plugins', index, 'configuration'], asRecord(plugin.configuration));
  }
  const [standalone] = inventory.ofKind('PodSecurityConfiguration');
  return standalone ? readConfig(standalone, [], standalone.object) : undefined;
}

function readConfig(
  resource: Resource,
  path: FieldPath,
  configuration: Readonly<Record<string, unknown>>,
  elsewhere?: string,
): PodSecurityConfig {
  const defaults: Record<string, string> = {};
  for (const [key, value] of Object.entries(asRecord(configuration.defaults))) {
    if (typeof value === 'string') defaults[key] = value;
  }
  const exemptions = asRecord(configuration.exemptions);
  return {
    resource,
    path,
    defaults,
    exemptNamespaces: strings(exemptions.namespaces),
    exemptRuntimeClasses: strings(exemptions.runtimeClasses),
    exemptUsernames: strings(exemptions.usernames),
    ...(elsewhere !== undefined ? { elsewhere } : {}),
  };
}

/** One mode's policy for a namespace: its level and version, and where they were read. */
interface ModePolicy {
  readonly mode: PsaMode;
  readonly level?: PsaLevel;
  readonly version?: PssVersion;
  readonly source: Resource;
  readonly path: FieldPath;
  /** Why the level or version cannot be read, when it cannot. */
  readonly invalid?: string;
}

function parseVersion(value: string | undefined): PssVersion | undefined {
  if (value === undefined || value === 'latest') return 'latest';
  const minor = /^v1\.(\d+)$/.exec(value)?.[1];
  return minor === undefined ? undefined : Number(minor);
}

const policiesByNamespace = new WeakMap<Resource, { config: PodSecurityConfig | undefined; policies: ModePolicy[] }>();

/** {@link modePolicies}, read once per Namespace object. */
function namespacePolicies(namespace: Resource | undefined, config: PodSecurityConfig | undefined): ModePolicy[] {
  if (!namespace) return modePolicies(undefined, config);
  let entry = policiesByNamespace.get(namespace);
  if (!entry || entry.config !== config) {
    entry = { config, policies: modePolicies(namespace, config) };
    policiesByNamespace.set(namespace, entry);
  }
  return entry.policies;
}

/** The namespace's policy per mode: its labels, else the configuration's defaults; the privileged level is none. */
function modePolicies(namespace: Resource | undefined, config: PodSecurityConfig | undefined): ModePolicy[] {
  const labelled = new Map(namespace ? podSecurityOf(namespace).map((setting) => [setting.mode, setting]) : []);
  const policies: ModePolicy[] = [];
  for (const mode of PSA_MODES) {
    const setting = labelled.get(mode);
    if (setting && namespace) {
      const version = parseVersion(setting.version?.value);
      policies.push({
        mode,
        ...(setting.level ? { level: setting.level } : {}),
        ...(version !== undefined ? { version } : {}),
        source: namespace,
        path: setting.path,
        ...(!setting.level || version === undefined
          ? { invalid: `the ${mode} label or its version is not one the API server accepts` }
          : {}),
      });
      continue;
    }
    const level = config?.defaults[mode];
    if (!config || level === undefined) continue;
    const version = parseVersion(config.defaults[`${mode}-version`]);
    const known = (PSA_LEVELS as readonly string[]).includes(level);
    policies.push({
      mode,
      ...(known ? { level: level as PsaLevel } : {}),
      ...(version !== undefined ? { version } : {}),
      source: config.resource,
      path: [...config.path, 'defaults', mode],
      ...(!known || version === undefined ? { invalid: `the default ${mode} level or version is not valid` } : {}),
    });
  }
  return policies.filter((policy) => policy.level !== 'privileged');
}

/** The pod a request carries: a Pod's own, or the template of a workload. */
function podOf(request: AdmissionRequest): PssPod | undefined {
  const specPath = POD_SPEC_PATHS[request.kind.kind];
  if (!specPath) return undefined;
  let spec: unknown = request.object;
  for (const key of specPath) spec = asRecord(spec)[key];
  const metadataPath = request.kind.kind === 'Pod' ? ['metadata'] : [...specPath.slice(0, -1), 'metadata'];
  let metadata: unknown = request.object;
  for (const key of metadataPath) metadata = asRecord(metadata)[key];
  return { metadata, spec, metadataPath, specPath };
}

const versionText = (version: PssVersion | undefined) =>
  version === undefined || version === 'latest' ? 'latest' : `v1.${version}`;

/**
 * Per input, whether a Namespace carries a Pod Security label or the input holds a PodSecurity configuration:
 * without either, every namespace gets the plugin's built-in default, privileged, which rejects nothing.
 */
const labelledOrConfigured = new WeakMap<Inventory, boolean>();

export const podSecurityAdmission: AdmissionEngine = {
  id: 'pod-security-admission',
  evaluate(request, inventory, answering: Answering = 'all') {
    const pod = podOf(request);
    // Pod Security admission judges Pods (and their ephemeral containers), and warns on pod templates.
    if (!pod || (request.subResource !== '' && request.subResource !== 'ephemeralcontainers')) return [];
    const isPod = request.kind.kind === 'Pod';
    const config = podSecurityConfigOf(inventory);
    const namespaceName = request.namespace;
    const namespace =
      namespaceName === null ? undefined : (inventory.find('Namespace', null, namespaceName) ?? undefined);
    const outcome = (policy: Resource, path: FieldPath, name: string) => ({
      engine: 'pod-security-admission' as const,
      policy,
      path,
      name,
    });

    // What cannot be read (a configuration elsewhere, a namespace's labels) rejects nothing.
    if (config?.elsewhere !== undefined) {
      if (answering === 'deny') return [];
      return [
        {
          ...outcome(config.resource, config.path, 'Pod Security admission configuration'),
          outcome: 'unproven',
          reason: `the PodSecurity plugin's configuration is in ${config.elsewhere}, which the input does not hold: its defaults and exemptions are unknown`,
        },
      ];
    }
    if (namespaceName !== null && config?.exemptNamespaces.includes(namespaceName)) {
      return [
        {
          ...outcome(
            config.resource,
            [...config.path, 'exemptions', 'namespaces'],
            'Pod Security admission exemptions',
          ),
          outcome: 'pass',
          reason: `namespace ${namespaceName} is exempt from Pod Security admission`,
        },
      ];
    }
    const runtimeClass = asRecord(pod.spec).runtimeClassName;
    if (typeof runtimeClass === 'string' && config?.exemptRuntimeClasses.includes(runtimeClass)) {
      return [
        {
          ...outcome(
            config.resource,
            [...config.path, 'exemptions', 'runtimeClasses'],
            'Pod Security admission exemptions',
          ),
          outcome: 'pass',
          reason: `runtimeClassName ${runtimeClass} is exempt from Pod Security admission`,
        },
      ];
    }
    // Labels override the defaults either way, so without the Namespace (or a complete cluster read that shows it
    // does not exist) what applies is unknown, defaults or not.
    if (!namespace && !inventory.complete) {
      if (answering === 'deny') return [];
      const where =
        namespaceName === null ? 'the namespace the object will be created in' : `Namespace ${namespaceName}`;
      const defaults = config ? modePolicies(undefined, config) : [];
      const fallback = defaults.length
        ? `; without labels the configured defaults would apply (${defaults.map((policy) => `${policy.mode}=${policy.level}`).join(', ')})`
        : '';
      return [
        {
          ...outcome(placeholder(namespaceName), [], 'Pod Security admission'),
          outcome: 'unproven',
          reason: `${where} is not in the input: its Pod Security labels are unknown${fallback}`,
        },
      ];
    }

    const exemptUsers = config?.exemptUsernames ?? [];
    const results: PolicyOutcome[] = [];
    for (const policy of namespacePolicies(namespace, config)) {
      if (answering === 'deny' && policy.mode !== 'enforce') continue;
      const name = `Pod Security admission ${policy.mode}=${policy.level ?? '?'}:${versionText(policy.version)} on ${
        policy.source.ref.kind
      } ${policy.source.ref.name}`;
      if (policy.invalid || !policy.level || policy.version === undefined) {
        results.push({
          ...outcome(policy.source, policy.path, name),
          outcome: 'unproven',
          reason: `${policy.invalid}: the API server would refuse it, so what it enforces is unknown`,
        });
        continue;
      }
      // The plugin rejects only Pods; a template's violations come back as warnings and audit annotations.
      if (policy.mode === 'enforce' && !isPod) continue;
      const violations = podSecurityViolations(pod, policy.level, policy.version);
      if (!violations.length) {
        if (policy.mode === 'enforce') {
          results.push({ ...outcome(policy.source, policy.path, name), outcome: 'pass', reason: 'no check fails' });
        }
        continue;
      }
      const message = podSecurityMessage(violations, policy.level, policy.version);
      const exempt = exemptUsers.length
        ? `; requests by the exempted usernames ${exemptUsers.join(', ')} are not checked`
        : '';
      results.push({
        ...outcome(policy.source, policy.path, name),
        outcome: policy.mode === 'enforce' ? 'deny' : policy.mode,
        message: policy.mode === 'enforce' ? message : `would ${message.replace(/^violates/, 'violate')}`,
        reason: `${violations.length} field${violations.length === 1 ? '' : 's'} fail${
          violations.length === 1 ? 's' : ''
        } the ${policy.level} standard: ${violations.map((violation) => formatPath(violation.path)).join(', ')}${exempt}`,
      });
    }
    return results;
  },
  mayDeny: (inventory) => {
    let may = labelledOrConfigured.get(inventory);
    if (may === undefined) {
      may =
        podSecurityConfigOf(inventory) !== undefined ||
        inventory.ofKind('Namespace').some((namespace) => podSecurityOf(namespace).length > 0);
      labelledOrConfigured.set(inventory, may);
    }
    return may;
  },
  // Its exemptions and defaults; the Namespace's labels are the rest.
  dependsOn: (inventory) => {
    const config = podSecurityConfigOf(inventory);
    return config ? [config.resource.object] : [];
  },
};

/** A stand-in Namespace for outcomes about a namespace the input lacks (no object to point at). */
function placeholder(namespace: string | null): Resource {
  return {
    ref: { apiVersion: 'v1', kind: 'Namespace', namespace: null, name: namespace ?? '(unset)' },
    object: {},
    labels: {},
    annotations: {},
    locate: () => undefined,
  };
}
