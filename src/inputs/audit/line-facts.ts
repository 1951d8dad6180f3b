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

/** Top-level keys whose presence means the line must be parsed: bodies and a second user may hold any key. */
const PARSE_ALWAYS = new Set(['requestObject', 'responseObject', 'impersonatedUser']);

/**
 * The facts of a line holding one Event object, or `undefined` when the line is anything else or leaves a doubt,
 * and must be parsed: one pass over its structure (strings skipped whole), taking `auditID`, `stage` and `verb` at
 * the top, `username` in `user`, `resource` and `subresource` in `objectRef`; a key given twice, a wanted value
 * that is not plain text (not a string, or one with escapes), a body, an impersonated user, or text after the
 * object all leave it to the parser. The event must have a verb, a user name and a resource.
 */
export function lineFacts(line: string): LineFacts | undefined {
  if (line.charCodeAt(0) !== 123) return undefined;
  const length = line.length;
  // Open brackets (123 `{`, 91 `[`); the top-level key that holds the object open at depth two.
  const stack: number[] = [];
  let top = '';
  let parent = '';
  let key = '';
  let expectKey = false;
  let auditID: string | undefined;
  let stage: string | undefined;
  let verb: string | undefined;
  let username: string | undefined;
  let resource: string | undefined;
  let subresource: string | undefined;
  let i = 0;
  for (; i < length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) {
      const start = i + 1;
      let end = line.indexOf('"', start);
      let escaped = false;
      // A quote preceded by an odd run of backslashes is inside the string.
      while (end !== -1 && line.charCodeAt(end - 1) === 92) {
        escaped = true;
        let slashes = 1;
        while (line.charCodeAt(end - 1 - slashes) === 92) slashes++;
        if (slashes % 2 === 0) break;
        end = line.indexOf('"', end + 1);
      }
      if (end === -1) return undefined;
      i = end;
      const depth = stack.length;
      if (expectKey) {
        expectKey = false;
        // Only keys at the top and in its objects matter; nothing is sliced for the rest.
        key = depth <= 2 && end - start <= 16 ? line.slice(start, end) : '';
        if (depth === 1) {
          if (PARSE_ALWAYS.has(key)) return undefined;
          top = key;
        }
        continue;
      }
      if (depth === 1) {
        if (key === 'verb') {
          if (escaped || verb !== undefined) return undefined;
          verb = line.slice(start, end);
        } else if (key === 'auditID') {
          if (escaped || auditID !== undefined) return undefined;
          auditID = line.slice(start, end);
        } else if (key === 'stage') {
          if (escaped || stage !== undefined) return undefined;
          stage = line.slice(start, end);
        }
      } else if (depth === 2) {
        if (parent === 'user' && key === 'username') {
          if (escaped || username !== undefined) return undefined;
          username = line.slice(start, end);
        } else if (parent === 'objectRef' && key === 'resource') {
          if (escaped || resource !== undefined) return undefined;
          resource = line.slice(start, end);
        } else if (parent === 'objectRef' && key === 'subresource') {
          if (escaped || subresource !== undefined) return undefined;
          subresource = line.slice(start, end);
        }
      }
    } else if (c === 123) {
      stack.push(c);
      if (stack.length === 2) parent = stack[0] === 123 ? top : '';
      expectKey = true;
    } else if (c === 91) {
      stack.push(c);
      expectKey = false;
    } else if (c === 125 || c === 93) {
      stack.pop();
      if (!stack.length) break;
    } else if (c === 44) expectKey = stack[stack.length - 1] === 123;
    else if (c === 58) expectKey = false;
    else if (stack.length === 1 && (c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110)) {
      // A number, true, false or null where a wanted string should be: a value that is not text.
      if (key === 'auditID' || key === 'stage' || key === 'verb') return undefined;
    }
  }
  if (stack.length) return undefined;
  for (let rest = i + 1; rest < length; rest++) if (line.charCodeAt(rest) > 32) return undefined;
  if (!verb || username === undefined || !resource) return undefined;
  return {
    // Copied out of the line: a slice would keep the whole line alive for as long as the ID is remembered.
    ...(auditID !== undefined ? { auditID: ` ${auditID}`.slice(1) } : {}),
    ...(stage !== undefined ? { stage } : {}),
    verb,
    resource,
    subresource: subresource ?? '',
    username,
  };
}
