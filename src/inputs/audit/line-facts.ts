import { Buffer } from 'node:buffer';

/**
 * What a raw line of JSON lines says about the audit Event it holds, read off its bytes without decoding or parsing
 * them: what the pipeline dispatches on (verb, resource, subresource, user name and groups, response code) and what
 * reading counts (auditID and stage, for de-duplication). Most audit traffic is reads by controllers and nodes that no
 * rule wants; telling so from the bytes and parsing only the rest is what makes large logs faster than `JSON.parse`.
 */
export interface LineFacts {
  /** Where the line's line break is in the bytes scanned. */
  readonly end: number;
  readonly auditID: string | undefined;
  readonly stage: string | undefined;
  readonly verb: string;
  /** `objectRef.resource`, `''` without one. */
  readonly resource: string;
  /** `objectRef.subresource`, `''` without one. */
  readonly subresource: string;
  readonly username: string | undefined;
  readonly groups: readonly string[] | undefined;
  /** `responseStatus.code`. */
  readonly code: number | undefined;
}

/** Nesting past this leaves the line to the parser (and its limits). */
const MAX_DEPTH = 64;

// What the scan expects next.
const KEY_OR_CLOSE = 0;
const KEY = 1;
const VALUE = 3;
const VALUE_OR_CLOSE = 4;
const AFTER_VALUE = 5;

// Open containers.
const IN_OBJECT = 1;
const IN_ARRAY = 2;

// Facts as bits; the containers holding facts are named by the fact of their key.
const AUDIT_ID = 1;
const STAGE = 2;
const VERB = 4;
const USER = 8;
const OBJECT_REF = 16;
const REQUEST_URI = 32;
const SOURCE_IPS = 64;
const STATUS = 128;
const USERNAME = 256;
const GROUPS = 512;
const RESOURCE = 1024;
const SUBRESOURCE = 2048;
const CODE = 4096;
/** Facts whose value must be plain text (ASCII, no escapes): the rest of the line may hold anything JSON allows. */
const TEXT = AUDIT_ID | STAGE | VERB | USERNAME | RESOURCE | SUBRESOURCE;
const CONTAINERS = USER | OBJECT_REF | STATUS;

const containers = new Uint8Array(MAX_DEPTH + 2);
// Where the facts held as text start and end, by their bit; the bounds of the groups.
const starts = new Int32Array(SUBRESOURCE + 1);
const ends = new Int32Array(SUBRESOURCE + 1);
const groupBounds: number[] = [];

/**
 * The facts of the line that starts at `start` in `bytes` and ends, within them, at a line break: when the line holds
 * exactly one JSON object that the reader takes for one Event (see decodeRecord), and its facts are plain text and
 * numbers as the rules read them. Else `undefined`, and the line is for the parser: not valid JSON (the parser reports
 * it), a wrapper or a list (GKE, AKS, EventList), a key given twice or escaped where facts are (the parser keeps the
 * last; the scan would not know which it read), a fact of another kind, a line the bytes do not end. One pass over
 * the bytes, validating them as JSON on the way, so that a line it reads is never a malformed record.
 */
export function lineFacts(bytes: Uint8Array, start: number): LineFacts | undefined {
  const b = bytes;
  const n = b.length;
  let i = start;
  if (b[i] !== 123) return undefined;
  let depth = 1;
  containers[1] = IN_OBJECT;
  i++;
  let state = KEY_OR_CLOSE;
  // The fact whose value comes next (0 for none), the facts seen, and which fact-holding object is open at depth 2.
  let pending = 0;
  let seen = 0;
  let holder = 0;
  let code: number | undefined;
  groupBounds.length = 0;
  for (;;) {
    let c = b[i] as number;
    while (c === 32 || c === 9 || c === 13) c = b[++i] as number;
    if (i >= n) return undefined;
    if (state === AFTER_VALUE) {
      if (c === 44) {
        i++;
        state = containers[depth] === IN_OBJECT ? KEY : VALUE;
        continue;
      }
      if (c !== (containers[depth] === IN_OBJECT ? 125 : 93)) return undefined;
      i++;
      if (--depth === 0) break;
      holder = left(depth, holder);
      continue;
    }
    if (state === KEY_OR_CLOSE || state === KEY) {
      if (c === 125 && state === KEY_OR_CLOSE) {
        i++;
        state = AFTER_VALUE;
        if (--depth === 0) break;
        holder = left(depth, holder);
        continue;
      }
      if (c !== 34) return undefined;
      const keyStart = i + 1;
      const flags = scanString(b, keyStart, n);
      if (flags < 0) return undefined;
      const keyEnd = stringEnd;
      if (depth === 1 || (depth === 2 && holder !== 0)) {
        // An escaped key might spell a fact's name.
        if (flags !== 0) return undefined;
        pending = factOf(b, depth === 1 ? 0 : holder, keyStart, keyEnd);
        if (pending & seen) return undefined;
        seen |= pending;
      }
      // The colon, in the same step: a step per token costs as much as the bytes.
      i = keyEnd + 1;
      c = b[i] as number;
      while (c === 32 || c === 9 || c === 13) c = b[++i] as number;
      if (c !== 58) return undefined;
      i++;
      state = VALUE;
      continue;
    }
    // A value, or the end of an empty list.
    if (c === 93 && state === VALUE_OR_CLOSE) {
      i++;
      state = AFTER_VALUE;
      if (--depth === 0) break;
      holder = left(depth, holder);
      continue;
    }
    const fact = pending;
    pending = 0;
    state = AFTER_VALUE;
    if (c === 34) {
      const flags = scanString(b, i + 1, n);
      if (flags < 0) return undefined;
      if (fact !== 0) {
        if (!(fact & TEXT) || flags !== 0) {
          if (fact !== REQUEST_URI) return undefined;
        } else {
          starts[fact] = i + 1;
          ends[fact] = stringEnd;
        }
      } else if (holder === GROUPS && depth === 3) {
        if (flags !== 0) return undefined;
        groupBounds.push(i + 1, stringEnd);
      }
      i = stringEnd + 1;
      // The comma after it and the next key's quote, in the same step, as most members are text.
      c = b[i] as number;
      while (c === 32 || c === 9 || c === 13) c = b[++i] as number;
      if (c === 44 && containers[depth] === IN_OBJECT) {
        i++;
        state = KEY;
      }
      continue;
    }
    if (fact & (TEXT | REQUEST_URI)) return undefined;
    if (holder === GROUPS && depth === 3) return undefined;
    if (c === 123 || c === 91) {
      if (depth === MAX_DEPTH) return undefined;
      const object = c === 123;
      // The event's user, objectRef and responseStatus are objects; its sourceIPs and the user's groups are lists.
      if (fact & CONTAINERS ? !object : fact & (SOURCE_IPS | GROUPS) ? object : fact !== 0) return undefined;
      depth++;
      containers[depth] = object ? IN_OBJECT : IN_ARRAY;
      if (depth === 2) holder = fact & CONTAINERS;
      else if (depth === 3 && fact === GROUPS) holder = GROUPS;
      i++;
      state = object ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
      continue;
    }
    if (fact !== 0 && fact !== CODE) return undefined;
    if (c === 116 || c === 102 || c === 110) {
      if (fact === CODE) return undefined;
      const word = c === 116 ? TRUE : c === 102 ? FALSE : NULL;
      for (let k = 1; k < word.length; k++) if (b[i + k] !== word[k]) return undefined;
      i += word.length;
      continue;
    }
    const number = scanNumber(b, i);
    if (number === FAILED || (fact === CODE && number === NOT_PLAIN)) return undefined;
    if (fact === CODE) code = number;
    i = numberEnd;
  }
  // Nothing but white space after the object, up to the line break.
  let c = b[i] as number;
  while (c === 32 || c === 9 || c === 13) c = b[++i] as number;
  if (i >= n || c !== 10) return undefined;
  // What the reader asks of an Event: a verb, a user, and an objectRef or a request URI.
  if (!(seen & VERB) || ends[VERB] === starts[VERB] || !(seen & USER)) return undefined;
  if (!(seen & (OBJECT_REF | REQUEST_URI))) return undefined;
  let groups: string[] | undefined;
  if (seen & GROUPS) {
    groups = [];
    for (let k = 0; k < groupBounds.length; k += 2) {
      groups.push(interned(b, groupBounds[k] as number, groupBounds[k + 1] as number));
    }
  }
  const resource = fact(b, seen, RESOURCE) ?? '';
  return {
    end: i,
    // A copy of its own, as de-duplication remembers it.
    auditID: seen & AUDIT_ID ? latin1(b, starts[AUDIT_ID] as number, ends[AUDIT_ID] as number) : undefined,
    stage: fact(b, seen, STAGE),
    verb: fact(b, seen, VERB) as string,
    resource,
    // As the pipeline reads it: no subresource without a resource.
    subresource: (resource && fact(b, seen, SUBRESOURCE)) || '',
    username: fact(b, seen, USERNAME),
    groups,
    code,
  };
}

const FAILED = -1;
const NOT_PLAIN = -2;
const TRUE = [116, 114, 117, 101];
const FALSE = [102, 97, 108, 115, 101];
const NULL = [110, 117, 108, 108];

/** What depth 2 holds once the scan is back at `depth`: the user again after its groups, nothing at the top. */
function left(depth: number, holder: number): number {
  if (depth === 1) return 0;
  return depth === 2 && holder === GROUPS ? USER : holder;
}

let stringEnd = 0;
let numberEnd = 0;

/**
 * A string whose content starts at `from`: sets {@link stringEnd} to its closing quote; answers 0 for plain text,
 * else bit 1 for escapes and bit 2 for bytes outside ASCII, or FAILED where JSON allows no string (a control
 * character, the line feed among them; a bad escape; no closing quote).
 */
function scanString(b: Uint8Array, from: number, n: number): number {
  let flags = 0;
  let i = from;
  for (;;) {
    // Nearly every byte of a line is in a string, and ordinary: one table lookup each.
    while (i < n && ORDINARY[b[i] as number] === 1) i++;
    if (i >= n) return FAILED;
    const c = b[i] as number;
    if (c === 34) break;
    if (c === 92) {
      flags |= 1;
      const escaped = b[i + 1];
      if (escaped === 117) {
        for (let k = 2; k <= 5; k++) if (!isHex(b[i + k])) return FAILED;
        i += 6;
      } else if (
        escaped === 34 ||
        escaped === 92 ||
        escaped === 47 ||
        escaped === 98 ||
        escaped === 102 ||
        escaped === 110 ||
        escaped === 114 ||
        escaped === 116
      ) {
        i += 2;
      } else return FAILED;
      continue;
    }
    if (c < 32) return FAILED;
    flags |= 2;
    i++;
  }
  stringEnd = i;
  return flags;
}

/** Bytes a string holds as they are: printable ASCII but the quote and the backslash. */
const ORDINARY = new Uint8Array(256).map((_, c) => (c >= 32 && c < 128 && c !== 34 && c !== 92 ? 1 : 0));

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102));
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

/**
 * A number as JSON writes one, from `from`: sets {@link numberEnd} past it; answers its value when it is an integer
 * of at most nine digits, NOT_PLAIN for any other number, FAILED for what is none.
 */
function scanNumber(b: Uint8Array, from: number): number {
  let i = from;
  let plain = true;
  if (b[i] === 45) {
    plain = false;
    i++;
  }
  let value = 0;
  if (b[i] === 48) i++;
  else if (isDigit(b[i]) && b[i] !== 48) {
    const first = i;
    for (; isDigit(b[i]); i++) value = value * 10 + (b[i] as number) - 48;
    if (i - first > 9) plain = false;
  } else return FAILED;
  if (b[i] === 46) {
    plain = false;
    if (!isDigit(b[++i])) return FAILED;
    while (isDigit(b[i])) i++;
  }
  if (b[i] === 101 || b[i] === 69) {
    plain = false;
    i++;
    if (b[i] === 43 || b[i] === 45) i++;
    if (!isDigit(b[i])) return FAILED;
    while (isDigit(b[i])) i++;
  }
  numberEnd = i;
  return plain ? value : NOT_PLAIN;
}

/** Which fact a key names in the object `holder` holds (0: the event itself), 0 for none. */
function factOf(b: Uint8Array, holder: number, start: number, end: number): number {
  const length = end - start;
  // The first letter tells most keys apart before their text is compared.
  const first = b[start];
  switch (holder) {
    case 0:
      switch (length) {
        case 4:
          if (first === 118) return named(b, start, 'verb') ? VERB : 0;
          return first === 117 && named(b, start, 'user') ? USER : 0;
        case 5:
          return first === 115 && named(b, start, 'stage') ? STAGE : 0;
        case 7:
          return first === 97 && named(b, start, 'auditID') ? AUDIT_ID : 0;
        case 9:
          if (first === 111) return named(b, start, 'objectRef') ? OBJECT_REF : 0;
          return first === 115 && named(b, start, 'sourceIPs') ? SOURCE_IPS : 0;
        case 10:
          return first === 114 && named(b, start, 'requestURI') ? REQUEST_URI : 0;
        case 14:
          return first === 114 && named(b, start, 'responseStatus') ? STATUS : 0;
        default:
          return 0;
      }
    case USER:
      if (length === 8) return named(b, start, 'username') ? USERNAME : 0;
      return length === 6 && named(b, start, 'groups') ? GROUPS : 0;
    case OBJECT_REF:
      if (length === 8) return named(b, start, 'resource') ? RESOURCE : 0;
      return length === 11 && named(b, start, 'subresource') ? SUBRESOURCE : 0;
    default:
      return length === 4 && named(b, start, 'code') ? CODE : 0;
  }
}

function named(b: Uint8Array, start: number, name: string): boolean {
  for (let k = 0; k < name.length; k++) if (b[start + k] !== name.charCodeAt(k)) return false;
  return true;
}

function fact(b: Uint8Array, seen: number, bit: number): string | undefined {
  return seen & bit ? interned(b, starts[bit] as number, ends[bit] as number) : undefined;
}

/** ASCII text as a string of its own (a slice would keep the whole chunk alive). */
function latin1(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}

const INTERNED = 4096;
const internedByHash = new Map<number, string>();

/**
 * A short text, made once and shared: the same verbs, resources, stages, users and groups are on most lines, and the
 * pipeline keeps some (it caches its rules by verb and resource).
 */
function interned(b: Uint8Array, start: number, end: number): string {
  let hash = end - start;
  for (let k = start; k < end; k++) hash = (Math.imul(hash, 31) + (b[k] as number)) | 0;
  const known = internedByHash.get(hash);
  if (known !== undefined && known.length === end - start) {
    let same = true;
    for (let k = 0; k < known.length && same; k++) same = known.charCodeAt(k) === b[start + k];
    if (same) return known;
  }
  const fresh = latin1(b, start, end);
  if (internedByHash.size >= INTERNED) internedByHash.clear();
  internedByHash.set(hash, fresh);
  return fresh;
}
