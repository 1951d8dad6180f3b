import type { AuditEventHead, AuditEventTimes } from './event.js';
import { SKIM_WASM } from './skim.wasm.js';

/**
 * What skim.as.ts exports of its answer, read by name: where it writes each field (32-bit slots), and the codes of
 * what it found the line to be.
 */
const EXPORTED = [
  'AUDIT_ID',
  'VERB',
  'STAGE',
  'USERNAME',
  'RESOURCE',
  'SUBRESOURCE',
  'RECEIVED',
  'STAGE_TIMESTAMP',
  'CODE',
  'GROUPS',
  'STAGE_BIT',
  'AUDIT_HASH',
  'SLOTS',
  'PARSE',
  'UNWANTED',
  'WANTED',
  'ASK',
  'LINE',
] as const;
type Layout = Record<(typeof EXPORTED)[number], number>;

/**
 * What {@link EventSkimmer.judge} finds a line to be: to be parsed, or plain and wanted by no rule, or by some rule.
 */
export type Judgement = 'parse' | 'unwanted' | 'wanted';

/** Longer lines are parsed: they are rare, and JSON.parse's own bound on what a line may hold applies from there. */
const MAX_SKIMMED = 1 << 20;
const PAGE = 64 * 1024;

interface SkimExports extends Record<string, unknown> {
  readonly memory: WebAssembly.Memory;
  readonly skim: (length: number, seed: number) => number;
  readonly remember: (judgement: number) => void;
}

let compiled: WebAssembly.Module | undefined;
let unavailable = typeof WebAssembly === 'undefined';
const skimmers = new WeakMap<object, EventSkimmer>();

/**
 * This thread's skimmer for a `wants`: its table of answers holds for that function alone. None where WebAssembly is
 * not available (`node --jitless`) or cannot run the module (no SIMD on the machine): every line is then parsed, with
 * the same results, as before there was a skimmer.
 */
export function skimmerFor(wants: (event: AuditEventHead) => boolean): EventSkimmer | undefined {
  if (unavailable) return undefined;
  let skimmer = skimmers.get(wants);
  if (!skimmer) {
    try {
      skimmer = new EventSkimmer(wants);
    } catch {
      unavailable = true;
      return undefined;
    }
    skimmers.set(wants, skimmer);
  }
  return skimmer;
}

/**
 * Judges lines of an audit log from their bytes, without parsing them: a byte-level scan in WebAssembly (skim.as.ts)
 * checks the whole line against JSON's grammar, as strictly as JSON.parse, and finds the fields of
 * {@link AuditEventHead}; whether a rule wants the event is `wants`'s answer for those fields, asked once per distinct
 * verb, resource, user, groups and code and remembered in the module's table. A reader needs to parse only the lines
 * some rule may want; of the others it reads the stage, auditID and times here.
 */
export class EventSkimmer {
  readonly #wants: (event: AuditEventHead) => boolean;
  readonly #exports: SkimExports;
  readonly #layout: Layout;
  #memory = new Uint8Array(0);
  #answer = new Int32Array(0);
  /** The line judged last. */
  #bytes: Buffer = Buffer.alloc(0);
  #start = 0;

  constructor(wants: (event: AuditEventHead) => boolean) {
    this.#wants = wants;
    compiled ??= new WebAssembly.Module(Buffer.from(SKIM_WASM, 'base64'));
    this.#exports = new WebAssembly.Instance(compiled).exports as unknown as SkimExports;
    const exported = (name: string) => (this.#exports[name] as WebAssembly.Global).value as number;
    this.#layout = Object.fromEntries(EXPORTED.map((name) => [name, exported(name)])) as Layout;
    // The module starts with no memory: its answer, table and arena, then room for a line of a few KB.
    this.#grow(this.#layout.LINE + PAGE);
  }

  /**
   * Line `bytes[start, end)`: to be parsed unless it is one JSON object that JSON.parse accepts and that
   * `decodeRecord` takes for one event, whose head's fields are plain (text in ASCII without escapes, a whole number);
   * else whether `wants` wants it. Until the next call the getters below describe it, as parsing would.
   */
  judge(bytes: Buffer, start: number, end: number, seed: number): Judgement {
    const layout = this.#layout;
    const length = end - start;
    if (length > MAX_SKIMMED) return 'parse';
    if (layout.LINE + length > this.#memory.length) this.#grow(layout.LINE + length);
    this.#memory.set(bytes.subarray(start, end), layout.LINE);
    let judged = this.#exports.skim(length, seed);
    if (judged === layout.PARSE) return 'parse';
    this.#bytes = bytes;
    this.#start = start;
    if (judged === layout.ASK) {
      judged = this.#wants(this.head()) ? layout.WANTED : layout.UNWANTED;
      this.#exports.remember(judged);
    }
    return judged === layout.WANTED ? 'wanted' : 'unwanted';
  }

  get auditID(): string | undefined {
    return this.#text(this.#layout.AUDIT_ID);
  }

  /** recent-ids.ts's `hashOf` of the auditID with `seed`; 0 without one. */
  get auditHash(): number {
    return this.#answer[this.#layout.AUDIT_HASH] as number;
  }

  /** dedup.ts's `stageBit` of the stage. */
  get stageBit(): number {
    return this.#answer[this.#layout.STAGE_BIT] as number;
  }

  /** Whether the event has a stage (else it is taken as `ResponseComplete`). */
  get staged(): boolean {
    return (this.#answer[this.#layout.STAGE] as number) >= 0;
  }

  get times(): AuditEventTimes {
    const layout = this.#layout;
    return {
      requestReceivedTimestamp: this.#text(layout.RECEIVED),
      stageTimestamp: this.#text(layout.STAGE_TIMESTAMP),
    };
  }

  head(): AuditEventHead {
    const answer = this.#answer;
    const layout = this.#layout;
    const groupCount = answer[layout.GROUPS] as number;
    let groups: string[] | undefined;
    if (groupCount >= 0) {
      groups = [];
      for (let index = 0; index < groupCount; index++) groups.push(this.#text(layout.GROUPS + 1 + 2 * index) as string);
    }
    const code = answer[layout.CODE] as number;
    return {
      verb: this.#text(layout.VERB) as string,
      user: { username: this.#text(layout.USERNAME), groups },
      objectRef: { resource: this.#text(layout.RESOURCE), subresource: this.#text(layout.SUBRESOURCE) },
      responseStatus: { code: code < 0 ? undefined : code },
    };
  }

  #text(slot: number): string | undefined {
    const from = this.#answer[slot] as number;
    if (from < 0) return undefined;
    return this.#bytes.toString('latin1', this.#start + from, this.#start + (this.#answer[slot + 1] as number));
  }

  #grow(bytes: number): void {
    const { memory } = this.#exports;
    memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
    this.#memory = new Uint8Array(memory.buffer);
    this.#answer = new Int32Array(memory.buffer, 0, this.#layout.SLOTS);
  }
}
