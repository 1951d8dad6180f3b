/**
 * What a raw JSON line of an audit Event says about itself, read without parsing it: enough to tell whether any rule
 * needs the event (verb, resource, subresource, user) and to de-duplicate and count it (auditID, stage). Most audit
 * traffic is controllers' reads that no rule wants in full; parsing only the rest is what makes large logs fast.
 */
export interface LineFacts {
  readonly auditID?: string;
  readonly stage?: string;
  readonly verb: string;
  readonly resource: string;
  readonly subresource: string;
  readonly username: string;
}

const AUDIT_ID = '"auditID":';
const STAGE = '"stage":';
const VERB = '"verb":';
const USER = '"user":';
const USERNAME = '"username":';
const OBJECT_REF = '"objectRef":';
const RESOURCE = '"resource":';
const SUBRESOURCE = '"subresource":';

/**
 * The facts of a line as API servers and most shippers write an Event (one JSON object, a key's colon right after
 * it, spaces after colons or not), or `undefined` when the line is anything else or leaves a doubt, and must be
 * parsed: each key must occur at most once (a body or a second user could hold the same key), the event must have
 * a verb, a user object opening with its name and an objectRef with a resource, and no value may hold an escape.
 * Inside a JSON string every quote is escaped, so a key pattern with its quotes cannot match text within a value.
 */
export function lineFacts(line: string): LineFacts | undefined {
  if (line.charCodeAt(0) !== 123 || line.charCodeAt(line.length - 1) !== 125) return undefined;
  if (line.includes('"requestObject"') || line.includes('"responseObject"') || line.includes('"impersonatedUser"'))
    return undefined;
  const verb = text(line, VERB);
  const resource = text(line, RESOURCE);
  if (!verb || !resource) return undefined;
  // The user's name must be the first key of the one user object, and the objectRef an object.
  const user = once(line, USER);
  const name = once(line, USERNAME);
  if (user < 0 || name < 0 || skipSpaces(line, skipSpaces(line, user + USER.length) + 1) !== name) return undefined;
  const ref = once(line, OBJECT_REF);
  if (ref < 0 || line.charCodeAt(skipSpaces(line, ref + OBJECT_REF.length)) !== 123) return undefined;
  const username = text(line, USERNAME);
  const subresource = text(line, SUBRESOURCE);
  const auditID = text(line, AUDIT_ID);
  const stage = text(line, STAGE);
  // `null`: the key is there twice, or its value is not plain text.
  if (username == null || subresource === null || auditID === null || stage === null) return undefined;
  return {
    ...(auditID !== undefined ? { auditID } : {}),
    ...(stage !== undefined ? { stage } : {}),
    verb,
    resource,
    subresource: subresource ?? '',
    username,
  };
}

/** Where `key` occurs, if it occurs exactly once; -1 when it does not, -2 when it occurs again. */
function once(line: string, key: string): number {
  const at = line.indexOf(key);
  if (at === -1) return -1;
  return line.indexOf(key, at + key.length) === -1 ? at : -2;
}

/** The first position from `at` that is not a space. */
function skipSpaces(line: string, at: number): number {
  let position = at;
  while (line.charCodeAt(position) === 32) position++;
  return position;
}

/**
 * The string value of `key`: `undefined` without the key, `null` when the key is there twice or its value is not a
 * string without escapes.
 */
function text(line: string, key: string): string | null | undefined {
  const at = once(line, key);
  if (at === -1) return undefined;
  if (at === -2) return null;
  const start = skipSpaces(line, at + key.length);
  if (line.charCodeAt(start) !== 34) return null;
  const end = line.indexOf('"', start + 1);
  if (end === -1) return null;
  const value = line.slice(start + 1, end);
  return value.includes('\\') ? null : value;
}
