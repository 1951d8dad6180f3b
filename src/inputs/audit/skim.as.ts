// AssemblyScript, compiled to WebAssembly by scripts/build-wasm.mjs into skim.wasm.ts (see skim.ts, which runs it).
// Its integer literals are exact 64-bit words (biome.json turns the JavaScript precision rule off for .as.ts).
//
// Reads one line of an audit log as bytes and answers whether it is a single JSON object that JSON.parse accepts,
// whose fields that the reader decides on are plain: text without escapes and in ASCII, a small whole number for the
// response code, the types an audit event has. Then it says where those fields are, and whether some rule may want the
// event, as far as a table of the answers given before tells. Any doubt answers "parse": this never rejects a line, it
// only spares parsing the ones it is sure of.

/**
 * The answer: i32 slots at address 0, exported for skim.ts to read by name. A field's slots hold where its text starts
 * and ends in the line, or -1.
 */
export const AUDIT_ID = 0;
export const VERB = 2;
export const STAGE = 4;
export const USERNAME = 6;
export const RESOURCE = 8;
export const SUBRESOURCE = 10;
export const RECEIVED = 12;
export const STAGE_TIMESTAMP = 14;
/** `responseStatus.code`, or -1. */
export const CODE = 16;
/** How many `user.groups` (-1: none), then where each starts and ends. */
export const GROUPS = 17;
const MAX_GROUPS = 16;
/** The stage's bit as dedup.ts's `stageBit` gives it, and the auditID's hash as recent-ids.ts's `hashOf` (0: none). */
export const STAGE_BIT = GROUPS + 1 + 2 * MAX_GROUPS;
export const AUDIT_HASH = STAGE_BIT + 1;
export const SLOTS = AUDIT_HASH + 1;

/**
 * The answers, exported for skim.ts: the line is to be parsed; plain, and no rule wants it; plain, and some rule may;
 * plain, and the table does not know: the caller asks its rules and tells {@link remember} which of the two.
 */
export const PARSE = 0;
export const UNWANTED = 1;
export const WANTED = 2;
export const ASK = 3;

/**
 * What the rules decide on (verb, resource, subresource, user name, groups, code), written one after another as a key:
 * each text as its length (-1: absent) and its bytes, the groups as their count and each text, the code. Longer keys
 * are not remembered.
 */
const KEY: usize = 256;
const MAX_KEY: usize = 1024;
/** The table of keys answered: per slot its hash, where its key is in the arena and how long (0: free), the answer. */
const TABLE: usize = 2048;
const TABLE_SLOTS: u32 = 4096;
const ARENA: usize = TABLE + <usize>TABLE_SLOTS * 16;
const ARENA_SIZE: usize = 256 * 1024;

/** Where the caller writes the line: after everything else, so that it may be as long as memory grows. */
export const LINE: usize = ARENA + ARENA_SIZE;

// The objects whose keys are looked at, and the keys: a bit each, to tell a key given twice (JSON.parse keeps the last).
const IN_NONE = 0;
const IN_EVENT = 1;
const IN_USER = 2;
const IN_OBJECT_REF = 3;
const IN_STATUS = 4;
const IN_GROUPS = 5;

const KEY_AUDIT_ID = 0;
const KEY_VERB = 1;
const KEY_STAGE = 2;
const KEY_USER = 3;
const KEY_OBJECT_REF = 4;
const KEY_REQUEST_URI = 5;
const KEY_SOURCE_IPS = 6;
const KEY_RESPONSE_STATUS = 7;
const KEY_RECEIVED = 8;
const KEY_STAGE_TIMESTAMP = 9;
const KEY_USERNAME = 10;
const KEY_GROUPS = 11;
const KEY_RESOURCE = 12;
const KEY_SUBRESOURCE = 13;
const KEY_CODE = 14;

const STRING = 1;
const OBJECT = 2;
const ARRAY = 3;
const NUMBER = 4;
const LITERAL = 5;

/** Beyond this nesting the line is left to JSON.parse, rather than recursing further here. */
const MAX_DEPTH = 256;

// The scan's state: a line is scanned by one call, start to end.
let lineEnd: usize = 0;
let keysSeen: i32 = 0;
let plain = true;
/** The last value scanned: its type; a string's content and whether it held an escape; a number's value or -1. */
let valueType = 0;
let textStart: usize = 0;
let textEnd: usize = 0;
let escaped = false;
let wholeNumber = -1;
let groupCount = 0;
/** Whether the list or object being scanned has ended: see {@link firstItem}. */
let closed = false;

function answer(slot: i32, value: i32): void {
  store<i32>((<usize>slot) << 2, value);
}

function skipSpace(at: usize): usize {
  while (at < lineEnd) {
    const c = load<u8>(at);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) break;
    at++;
  }
  return at;
}

function isDigit(c: u32): bool {
  return c - 0x30 < 10;
}

function isHex(c: u32): bool {
  return c - 0x30 < 10 || (c | 0x20) - 0x61 < 6;
}

/** A string from its opening quote: where it ends (after the closing quote), or 0 when JSON.parse would refuse it. */
function scanString(at: usize): usize {
  at++;
  textStart = at;
  escaped = false;
  const quote = i8x16.splat(0x22);
  const backslash = i8x16.splat(0x5c);
  const control = i8x16.splat(0x20);
  while (at < lineEnd) {
    // Sixteen bytes at a time while none is a quote, a backslash or a control character.
    while (at + 16 <= lineEnd) {
      const bytes = v128.load(at);
      const special = v128.or(v128.or(i8x16.eq(bytes, quote), i8x16.eq(bytes, backslash)), i8x16.lt_u(bytes, control));
      if (v128.any_true(special)) {
        at += <usize>ctz(i8x16.bitmask(special));
        break;
      }
      at += 16;
    }
    if (at >= lineEnd) return 0;
    const c = <u32>load<u8>(at);
    if (c === 0x22) {
      textEnd = at;
      return at + 1;
    }
    if (c < 0x20) return 0;
    if (c !== 0x5c) {
      at++;
      continue;
    }
    escaped = true;
    if (at + 1 >= lineEnd) return 0;
    const e = <u32>load<u8>(at + 1);
    if (e === 0x75) {
      if (at + 6 > lineEnd) return 0;
      if (!isHex(load<u8>(at + 2)) || !isHex(load<u8>(at + 3)) || !isHex(load<u8>(at + 4)) || !isHex(load<u8>(at + 5)))
        return 0;
      at += 6;
    } else if (
      e === 0x22 ||
      e === 0x5c ||
      e === 0x2f ||
      e === 0x62 ||
      e === 0x66 ||
      e === 0x6e ||
      e === 0x72 ||
      e === 0x74
    ) {
      at += 2;
    } else return 0;
  }
  return 0;
}

/** A number: where it ends, or 0. Sets {@link wholeNumber} when it is a whole number of at most nine digits. */
function scanNumber(at: usize): usize {
  const start = at;
  let whole = true;
  if (load<u8>(at) === 0x2d) {
    whole = false;
    at++;
  }
  if (at >= lineEnd) return 0;
  const first = <u32>load<u8>(at);
  if (first === 0x30) at++;
  else if (first - 0x31 < 9) {
    while (at < lineEnd && isDigit(load<u8>(at))) at++;
  } else return 0;
  if (at < lineEnd && load<u8>(at) === 0x2e) {
    whole = false;
    at++;
    if (at >= lineEnd || !isDigit(load<u8>(at))) return 0;
    while (at < lineEnd && isDigit(load<u8>(at))) at++;
  }
  if (at < lineEnd && (load<u8>(at) | 0x20) === 0x65) {
    whole = false;
    at++;
    if (at < lineEnd && (load<u8>(at) === 0x2b || load<u8>(at) === 0x2d)) at++;
    if (at >= lineEnd || !isDigit(load<u8>(at))) return 0;
    while (at < lineEnd && isDigit(load<u8>(at))) at++;
  }
  wholeNumber = -1;
  if (whole && at - start <= 9) {
    let value = 0;
    for (let digit = start; digit < at; digit++) value = value * 10 + <i32>(load<u8>(digit) - 0x30);
    wholeNumber = value;
  }
  return at;
}

/** `true`, `false` or `null`: where it ends, or 0. */
function scanLiteral(at: usize): usize {
  if (at + 4 > lineEnd) return 0;
  const four = load<u32>(at);
  if (four === 0x65757274 || four === 0x6c6c756e) return at + 4; // "true", "null"
  if (four === 0x736c6166 && at + 5 <= lineEnd && load<u8>(at + 4) === 0x65) return at + 5; // "false"
  return 0;
}

/** A value at `at` (no space before it): where it ends, or 0. `within` names the object or list it is, if tracked. */
function scanValue(at: usize, within: i32, depth: i32): usize {
  if (at >= lineEnd) return 0;
  const c = load<u8>(at);
  if (c === 0x22) {
    valueType = STRING;
    return scanString(at);
  }
  if (c === 0x7b) {
    if (depth >= MAX_DEPTH) return 0;
    const end = scanObject(at, within, depth + 1);
    valueType = OBJECT;
    return end;
  }
  if (c === 0x5b) {
    if (depth >= MAX_DEPTH) return 0;
    const end = scanList(at, within, depth + 1);
    valueType = ARRAY;
    return end;
  }
  if (c === 0x2d || isDigit(c)) {
    valueType = NUMBER;
    return scanNumber(at);
  }
  valueType = LITERAL;
  return scanLiteral(at);
}

/**
 * Where the first item of the list or object opened at `at` starts, or 0; {@link closed} says whether `close` came
 * first (the result is then past it).
 */
function firstItem(at: usize, close: u8): usize {
  at = skipSpace(at + 1);
  if (at >= lineEnd) return 0;
  closed = load<u8>(at) === close;
  return closed ? at + 1 : at;
}

/** After an item: where the next one starts, or 0; {@link closed} says whether `close` ended them instead. */
function nextItem(at: usize, close: u8): usize {
  at = skipSpace(at);
  if (at >= lineEnd) return 0;
  const c = load<u8>(at);
  closed = c === close;
  if (closed) return at + 1;
  return c === 0x2c ? skipSpace(at + 1) : 0;
}

function scanList(at: usize, within: i32, depth: i32): usize {
  for (at = firstItem(at, 0x5d); at !== 0 && !closed; at = nextItem(at, 0x5d)) {
    at = scanValue(at, IN_NONE, depth);
    if (at === 0) return 0;
    if (within === IN_GROUPS) {
      if (valueType !== STRING || !isPlainText() || groupCount === MAX_GROUPS) plain = false;
      else {
        answer(GROUPS + 1 + 2 * groupCount, <i32>(textStart - LINE));
        answer(GROUPS + 2 + 2 * groupCount, <i32>(textEnd - LINE));
        groupCount++;
      }
    }
  }
  return at;
}

/** Whether the last string scanned is ASCII without escapes: its bytes are its characters. */
function isPlainText(): bool {
  if (escaped) return false;
  for (let at = textStart; at < textEnd; at++) if (load<u8>(at) >= 0x80) return false;
  return true;
}

/** The tracked key `[start, end)` is in the object `within`, or -1. Keys are compared as little-endian words. */
function keyOf(start: usize, end: usize, within: i32): i32 {
  const length = end - start;
  if (within === IN_EVENT) {
    if (length === 4) {
      const four = load<u32>(start);
      if (four === 0x62726576) return KEY_VERB;
      if (four === 0x72657375) return KEY_USER;
      return -1;
    }
    if (length === 5) return load<u32>(start) === 0x67617473 && load<u8>(start + 4) === 0x65 ? KEY_STAGE : -1;
    if (length === 7) {
      return load<u32>(start) === 0x69647561 && load<u16>(start + 4) === 0x4974 && load<u8>(start + 6) === 0x44
        ? KEY_AUDIT_ID
        : -1;
    }
    if (length === 9) {
      const eight = load<u64>(start);
      const last = load<u8>(start + 8);
      if (eight === 0x65527463656a626f && last === 0x66) return KEY_OBJECT_REF;
      if (eight === 0x5049656372756f73 && last === 0x73) return KEY_SOURCE_IPS;
      return -1;
    }
    if (length === 10) {
      return load<u64>(start) === 0x5574736575716572 && load<u16>(start + 8) === 0x4952 ? KEY_REQUEST_URI : -1;
    }
    if (length === 14) {
      const eight = load<u64>(start);
      const four = load<u32>(start + 8);
      const two = load<u16>(start + 12);
      if (eight === 0x65736e6f70736572 && four === 0x74617453 && two === 0x7375) return KEY_RESPONSE_STATUS;
      if (eight === 0x6d69546567617473 && four === 0x61747365 && two === 0x706d) return KEY_STAGE_TIMESTAMP;
      return -1;
    }
    if (length === 24) {
      return load<u64>(start) === 0x5274736575716572 &&
        load<u64>(start + 8) === 0x5464657669656365 &&
        load<u64>(start + 16) === 0x706d617473656d69
        ? KEY_RECEIVED
        : -1;
    }
    return -1;
  }
  if (within === IN_USER) {
    if (length === 8 && load<u64>(start) === 0x656d616e72657375) return KEY_USERNAME;
    if (length === 6 && load<u32>(start) === 0x756f7267 && load<u16>(start + 4) === 0x7370) return KEY_GROUPS;
    return -1;
  }
  if (within === IN_OBJECT_REF) {
    if (length === 8 && load<u64>(start) === 0x656372756f736572) return KEY_RESOURCE;
    if (length === 11 && load<u64>(start) === 0x756f736572627573 && load<u16>(start + 8) === 0x6372) {
      return load<u8>(start + 10) === 0x65 ? KEY_SUBRESOURCE : -1;
    }
    return -1;
  }
  if (within === IN_STATUS) return length === 4 && load<u32>(start) === 0x65646f63 ? KEY_CODE : -1;
  return -1;
}

/** The slot of a key whose value is text the reader takes, or -1. */
function textSlotOf(key: i32): i32 {
  switch (key) {
    case KEY_AUDIT_ID:
      return AUDIT_ID;
    case KEY_VERB:
      return VERB;
    case KEY_STAGE:
      return STAGE;
    case KEY_USERNAME:
      return USERNAME;
    case KEY_RESOURCE:
      return RESOURCE;
    case KEY_SUBRESOURCE:
      return SUBRESOURCE;
    case KEY_RECEIVED:
      return RECEIVED;
    case KEY_STAGE_TIMESTAMP:
      return STAGE_TIMESTAMP;
    default:
      return -1;
  }
}

/** The type a tracked key's value must have for the line to be read here: what an audit event's field has. */
function typeOf(key: i32): i32 {
  switch (key) {
    case KEY_USER:
    case KEY_OBJECT_REF:
    case KEY_RESPONSE_STATUS:
      return OBJECT;
    case KEY_SOURCE_IPS:
    case KEY_GROUPS:
      return ARRAY;
    case KEY_CODE:
      return NUMBER;
    default:
      return STRING;
  }
}

function scanObject(at: usize, within: i32, depth: i32): usize {
  for (at = firstItem(at, 0x7d); at !== 0 && !closed; at = nextItem(at, 0x7d)) {
    if (at >= lineEnd || load<u8>(at) !== 0x22) return 0;
    at = scanString(at);
    if (at === 0) return 0;
    let key = -1;
    // An escaped key may spell a tracked one.
    if (within !== IN_NONE) {
      if (escaped) plain = false;
      else key = keyOf(textStart, textEnd, within);
    }
    at = skipSpace(at);
    if (at >= lineEnd || load<u8>(at) !== 0x3a) return 0;
    at = skipSpace(at + 1);
    if (key === -1) {
      at = scanValue(at, IN_NONE, depth);
      if (at === 0) return 0;
    } else {
      if (keysSeen & (1 << key)) plain = false;
      keysSeen |= 1 << key;
      let inner = IN_NONE;
      if (key === KEY_USER) inner = IN_USER;
      else if (key === KEY_OBJECT_REF) inner = IN_OBJECT_REF;
      else if (key === KEY_RESPONSE_STATUS) inner = IN_STATUS;
      else if (key === KEY_GROUPS) {
        inner = IN_GROUPS;
        groupCount = 0;
      }
      at = scanValue(at, inner, depth);
      if (at === 0) return 0;
      if (valueType !== typeOf(key)) plain = false;
      else {
        const slot = textSlotOf(key);
        if (slot >= 0) {
          if (!isPlainText()) plain = false;
          answer(slot, <i32>(textStart - LINE));
          answer(slot + 1, <i32>(textEnd - LINE));
        } else if (key === KEY_CODE) {
          if (wholeNumber < 0) plain = false;
          answer(CODE, wholeNumber);
        } else if (key === KEY_GROUPS) answer(GROUPS, groupCount);
      }
    }
  }
  return at;
}

// The key of the line scanned last, its hash and the table slot it would take; the table's keys and arena in use.
let keyLength: i32 = -1;
let keyHash: u32 = 0;
let freeSlot: u32 = 0;
let tableKeys: u32 = 0;
let arenaUsed: usize = 0;

/** Appends the text of answer slot `slot` to the key at `at`: where the key goes on, or 0 when too long. */
function keyText(at: usize, slot: i32): usize {
  const start = load<i32>((<usize>slot) << 2);
  const length = start < 0 ? -1 : load<i32>((<usize>(slot + 1)) << 2) - start;
  if (at + 4 + <usize>max(length, 0) > KEY + MAX_KEY) return 0;
  store<i32>(at, length);
  if (length > 0) memory.copy(at + 4, LINE + <usize>start, <usize>length);
  return at + 4 + <usize>max(length, 0);
}

/** Writes the line's key at {@link KEY}; its length, or -1 when longer than a key may be. */
function writeKey(): i32 {
  let at = keyText(KEY, VERB);
  if (at !== 0) at = keyText(at, RESOURCE);
  if (at !== 0) at = keyText(at, SUBRESOURCE);
  if (at !== 0) at = keyText(at, USERNAME);
  if (at === 0 || at + 8 > KEY + MAX_KEY) return -1;
  const groups = load<i32>(GROUPS << 2);
  store<i32>(at, groups);
  at += 4;
  for (let group = 0; group < groups && at !== 0; group++) at = keyText(at, GROUPS + 1 + 2 * group);
  if (at === 0 || at + 4 > KEY + MAX_KEY) return -1;
  store<i32>(at, load<i32>(CODE << 2));
  return <i32>(at + 4 - KEY);
}

/** FNV-1a over `length` bytes at `at`, from `basis`. */
function fnv(at: usize, length: usize, basis: u32): u32 {
  let hash = basis;
  for (let end = at + length; at < end; at++) hash = (hash ^ load<u8>(at)) * 0x01000193;
  return hash;
}

/**
 * The answer remembered for the key at {@link KEY}, or {@link ASK}; then {@link freeSlot} is where it would go. The
 * table is at most half full, so a probe ends.
 */
function lookUp(): i32 {
  const mask = TABLE_SLOTS - 1;
  let slot = keyHash & mask;
  for (let entry = TABLE + ((<usize>slot) << 4); load<i32>(entry, 8) !== 0; entry = TABLE + ((<usize>slot) << 4)) {
    if (load<u32>(entry) === keyHash && load<i32>(entry, 8) === keyLength) {
      if (memory.compare(ARENA + <usize>load<i32>(entry, 4), KEY, <usize>keyLength) === 0) return load<i32>(entry, 12);
    }
    slot = (slot + 1) & mask;
  }
  freeSlot = slot;
  return ASK;
}

/** dedup.ts's `stageBit` of the stage: the four stages Kubernetes logs, absent (as ResponseComplete), any other. */
function stageBit(): i32 {
  const start = load<i32>(STAGE << 2);
  if (start < 0) return 4;
  const at = LINE + <usize>start;
  const length = load<i32>((STAGE + 1) << 2) - start;
  if (length === 5) return load<u32>(at) === 0x696e6150 && load<u8>(at + 4) === 0x63 ? 8 : 16; // Panic
  if (length === 15 && load<u64>(at) === 0x5274736575716552 && load<u32>(at + 8) === 0x69656365) {
    return load<u16>(at + 12) === 0x6576 && load<u8>(at + 14) === 0x64 ? 1 : 16; // RequestReceived
  }
  if (length === 15 && load<u64>(at) === 0x65736e6f70736552 && load<u32>(at + 8) === 0x72617453) {
    return load<u16>(at + 12) === 0x6574 && load<u8>(at + 14) === 0x64 ? 2 : 16; // ResponseStarted
  }
  if (length === 16 && load<u64>(at) === 0x65736e6f70736552 && load<u64>(at + 8) === 0x6574656c706d6f43) return 4;
  return 16;
}

/**
 * Scans the `length` bytes at {@link LINE}: {@link PARSE} unless they are one JSON object JSON.parse accepts, with a
 * non-empty verb, a user object, an objectRef object or else a requestURI, and every field above plain. Otherwise the
 * answer's slots say where the fields are, the stage's bit and the auditID's hash from `seed`, and the result whether
 * some rule wants the event: {@link UNWANTED}, {@link WANTED}, or {@link ASK} when no answer for its key is known.
 */
export function skim(length: i32, seed: i32): i32 {
  memory.fill(0, 0xff, SLOTS << 2);
  lineEnd = LINE + <usize>length;
  keysSeen = 0;
  plain = true;
  if (length === 0 || load<u8>(LINE) !== 0x7b) return PARSE;
  const end = scanObject(LINE, IN_EVENT, 1);
  if (end === 0 || skipSpace(end) !== lineEnd || !plain) return PARSE;
  const verb = load<i32>(VERB << 2);
  if (verb < 0 || load<i32>((VERB + 1) << 2) === verb) return PARSE;
  if (!(keysSeen & (1 << KEY_USER))) return PARSE;
  if (!(keysSeen & (1 << KEY_OBJECT_REF)) && !(keysSeen & (1 << KEY_REQUEST_URI))) return PARSE;
  answer(STAGE_BIT, stageBit());
  const id = load<i32>(AUDIT_ID << 2);
  if (id >= 0) {
    // hashOf: FNV-1a over the UTF-16 units, which for ASCII are the bytes; never 0.
    const hash = fnv(LINE + <usize>id, <usize>(load<i32>((AUDIT_ID + 1) << 2) - id), 0x811c9dc5 ^ <u32>seed);
    answer(AUDIT_HASH, hash === 0 ? 1 : <i32>hash);
  } else answer(AUDIT_HASH, 0);
  keyLength = writeKey();
  if (keyLength < 0) return ASK;
  keyHash = fnv(KEY, <usize>keyLength, 0x811c9dc5);
  return lookUp();
}

/**
 * Remembers the caller's answer ({@link UNWANTED} or {@link WANTED}) for the key of the line scanned last, which was
 * {@link ASK}.
 * A full table is emptied first: the keys of a log are few (verbs, resources and identities), so that is rare.
 */
export function remember(verdict: i32): void {
  if (keyLength < 0) return;
  if (tableKeys * 2 >= TABLE_SLOTS || arenaUsed + <usize>keyLength > ARENA_SIZE) {
    memory.fill(TABLE, 0, (<usize>TABLE_SLOTS) << 4);
    tableKeys = 0;
    arenaUsed = 0;
    lookUp();
  }
  const entry = TABLE + ((<usize>freeSlot) << 4);
  memory.copy(ARENA + arenaUsed, KEY, <usize>keyLength);
  store<u32>(entry, keyHash);
  store<i32>(entry, <i32>arenaUsed, 4);
  store<i32>(entry, keyLength, 8);
  store<i32>(entry, verdict, 12);
  arenaUsed += <usize>keyLength;
  tableKeys++;
}
