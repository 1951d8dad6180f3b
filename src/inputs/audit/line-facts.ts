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

const AUDIT_ID = '"auditID":"';
const STAGE = '"stage":"';
const VERB = '"verb":"';
const USER = '"user":{"username":"';
const OBJECT_REF = '"objectRef":{';
const RESOURCE = '"resource":"';
const SUBRESOURCE = '"subresource":"';

/**
 * The facts of a line as kube-apiserver writes an Event (compact JSON, no spaces after colons), or `undefined` when
 * the line is anything else or leaves a doubt, and must be parsed: each key must occur at most once (a body or a
 * second user could hold the same key), the event must have a verb, a user name and an objectRef with a resource,
 * no value may hold an escape, and the line must be one object. Inside a JSON string every quote is escaped, so a
 * key pattern with its quotes cannot match text within a value.
 */
export function lineFacts(line: string): LineFacts | undefined {
  if (line.charCodeAt(0) !== 123 || line.charCodeAt(line.length - 1) !== 125) return undefined;
  if (line.includes('"requestObject"') || line.includes('"responseObject"') || line.includes('"impersonatedUser"'))
    return undefined;
  const verb = only(line, VERB);
  const username = only(line, USER);
  if (!verb || username === undefined || once(line, OBJECT_REF) === -1) return undefined;
  const resource = only(line, RESOURCE);
  if (!resource) return undefined;
  const subresource = only(line, SUBRESOURCE);
  const auditID = only(line, AUDIT_ID);
  const stage = only(line, STAGE);
  // `null`: the key is there twice, or its value is not plain text.
  if (subresource === null || auditID === null || stage === null || verb === null || username === null)
    return undefined;
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

/** The string value after `key`: `undefined` without the key, `null` when it is there twice or holds an escape. */
function only(line: string, key: string): string | null | undefined {
  const at = once(line, key);
  if (at === -1) return undefined;
  if (at === -2) return null;
  const start = at + key.length;
  const end = line.indexOf('"', start);
  if (end === -1) return null;
  const value = line.slice(start, end);
  return value.includes('\\') ? null : value;
}
