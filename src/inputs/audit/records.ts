import { countJsonContainers, DEFAULT_LIMITS, overLimit } from '../limits.js';

/**
 * The longest record read, in characters (bytes, for the ASCII that audit logs mostly are): one line of JSON lines,
 * or one multi-line JSON document. Longer ones are skipped, reported, without being held in memory.
 */
export const MAX_RECORD_LENGTH = 64 * 1024 * 1024;

/** Records longer than this have their mappings and lists counted before they are parsed. */
const COUNTED_LENGTH = 1024 * 1024;

/**
 * Splits bytes into physical lines and lines into records: one per line of JSON lines, or one multi-line document.
 * `decode` turns a parsed record into what `push` returns for it; `malformed` hears of the rest. `decode` gets the line
 * a record starts on and, for a multi-line document, the line of its `index`th of `count` items; for a one-line
 * record, the line's text. Lines are found in
 * the bytes and each is decoded alone: decoding a whole chunk at once costs more than all its lines one by one.
 */
export class RecordReader<T> {
  /** Lines completed so far; the next line is `line + 1`. */
  line = 0;
  /** The bytes of a line that the chunks read so far have not ended yet, and how many. */
  private carry: Buffer[] = [];
  private carried = 0;
  /** In a line longer than the limit: its characters are dropped until it ends. */
  private skipping = false;
  private document: DocumentState | undefined;
  private out: T[] = [];

  constructor(
    private readonly maxLength: number,
    private readonly decode: (
      record: unknown,
      line: number,
      itemLine?: (index: number, count: number) => number,
      text?: string,
    ) => T | undefined,
    private readonly malformed: (message: string, line: number) => void,
    private readonly maxNodes: number = DEFAULT_LIMITS.nodesPerDocument,
    /**
     * Offered each line outside a multi-line document and within the length bound, as bytes, before anything else:
     * true when it has taken care of the line, which is then neither decoded nor parsed.
     */
    private readonly taken?: (bytes: Buffer, start: number, end: number) => boolean,
  ) {}

  /**
   * A record's text parsed; undefined when it is not JSON, `too large` (reported) when it holds more mappings and
   * lists than the bound: a long line of empty objects would otherwise take gigabytes. Lines of real events are
   * short, and skip the count.
   */
  private parse(text: string, line: number): { value: unknown } | 'too large' | undefined {
    if (text.length > COUNTED_LENGTH && countJsonContainers(text) > this.maxNodes) {
      this.malformed(
        `a record of ${overLimit('nodesPerDocument', this.maxNodes, 'mappings and lists')}, skipped`,
        line,
      );
      return 'too large';
    }
    try {
      return { value: JSON.parse(text) };
    } catch {
      return undefined;
    }
  }

  /** Whether a line has started that no line break has ended yet. */
  get pending(): boolean {
    return this.carried > 0 || this.skipping;
  }

  /** Whether a multi-line document has started that no line has closed yet. */
  get inDocument(): boolean {
    return this.document !== undefined;
  }

  /**
   * The records of one line read elsewhere (another thread's range of a file), as line `line`: only between lines
   * {@link push} has ended, and with no multi-line document open.
   */
  lineAt(text: string, line: number): T[] {
    this.out = [];
    this.line = line;
    this.lineEnded(text);
    return this.out;
  }

  /** The records completed by this chunk. */
  push(chunk: Uint8Array): T[] {
    this.out = [];
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    if (this.carried || this.skipping) {
      const newline = bytes.indexOf(10);
      if (newline === -1) {
        this.carryOn(bytes, 0);
        return this.out;
      }
      this.line++;
      if (this.skipping) this.skipping = false;
      else {
        this.carry.push(bytes.subarray(0, newline));
        const line = Buffer.concat(this.carry);
        this.lineRead(line, 0, line.length);
      }
      this.carry = [];
      this.carried = 0;
      start = newline + 1;
    }
    for (let end = bytes.indexOf(10, start); end !== -1; end = bytes.indexOf(10, start)) {
      this.line++;
      this.lineRead(bytes, start, end);
      start = end + 1;
    }
    if (start < bytes.length) this.carryOn(bytes, start);
    return this.out;
  }

  /** Keeps the start of a line the chunk does not end (a copy: the chunk's memory may be reused). */
  private carryOn(bytes: Buffer, start: number): void {
    if (this.skipping) return;
    this.carried += bytes.length - start;
    if (this.carried > this.maxLength) {
      this.carry = [];
      this.carried = 0;
      this.skipping = true;
      this.tooLong(this.line + 1);
      return;
    }
    this.carry.push(Buffer.from(bytes.subarray(start)));
  }

  /** The records of the last line (one without a line break) and of a document the input ended in. */
  end(): T[] {
    this.out = [];
    const rest = Buffer.concat(this.carry);
    this.carry = [];
    this.carried = 0;
    if (rest.length || this.skipping) this.line++;
    if (rest.length && !this.skipping) this.lineRead(rest, 0, rest.length);
    if (this.document) {
      this.malformed('a JSON document that the input ends before closing (a truncated file?)', this.document.start);
      this.document = undefined;
    }
    return this.out;
  }

  private tooLong(line: number): void {
    this.malformed(`a line longer than ${mebibytes(this.maxLength)}, skipped: write one event per line`, line);
  }

  /** A line's bytes: {@link taken}'s if it takes them, else decoded and read. */
  private lineRead(bytes: Buffer, start: number, end: number): void {
    // A byte is at least a character: a line of at most maxLength bytes is not too long.
    const { taken } = this;
    if (taken && !this.document && end - start <= this.maxLength && taken(bytes, start, end)) return;
    this.lineEnded(bytes.toString('utf8', start, end));
  }

  private lineEnded(line: string): void {
    if (this.document) {
      this.documentLine(line);
      return;
    }
    if (line.length > this.maxLength) {
      this.tooLong(this.line);
      return;
    }
    // The hot path: a line of JSON lines starts with its brace, and parses.
    if (line.charCodeAt(0) !== 123 && !line.trim()) return;
    const record = this.parse(line, this.line);
    if (record === 'too large') return;
    if (!record) {
      const trimmed = line.trim();
      if (trimmed === '{' || trimmed === '[') {
        this.document = new DocumentState(this.line);
        this.documentLine(line);
      } else this.malformed('not valid JSON', this.line);
      return;
    }
    const decoded = this.decode(record.value, this.line, undefined, line);
    if (decoded !== undefined) this.out.push(decoded);
  }

  private documentLine(line: string): void {
    const document = this.document as DocumentState;
    document.scan(line, this.line);
    if (document.parts) {
      document.parts.push(line);
      document.length += line.length + 1;
      if (document.length > this.maxLength) document.parts = undefined;
    }
    if (document.open) return;
    this.document = undefined;
    if (!document.parts) {
      this.malformed(
        `a JSON document larger than ${mebibytes(this.maxLength)}, skipped: write one event per line`,
        document.start,
      );
      return;
    }
    const record = this.parse(document.parts.join('\n'), document.start);
    if (record === 'too large') return;
    if (!record) {
      this.malformed('a multi-line JSON document that is not valid JSON', document.start);
      return;
    }
    const decoded = this.decode(record.value, document.start, (index, count) => document.itemLine(index, count));
    if (decoded !== undefined) this.out.push(decoded);
  }
}

/**
 * A multi-line document being read: its text while under the limit, and a scan of its brackets that says when it
 * closes and on which line each object of a list starts (a list at the top, or one a top-level object holds, as
 * `items` of an EventList), so that each event of a pretty-printed EventList points at its own line.
 */
class DocumentState {
  parts: string[] | undefined = [];
  length = 0;
  /** Open brackets, outermost first (`{` 123, `[` 91), and whether the scan is in a string. */
  private readonly stack: number[] = [];
  private inString = false;
  private escaped = false;
  private started = false;
  /** Per list at depth one or two, the lines its objects start on. */
  private readonly lists: number[][] = [];

  constructor(readonly start: number) {}

  get open(): boolean {
    return !this.started || this.stack.length > 0;
  }

  scan(text: string, line: number): void {
    const stack = this.stack;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
      } else if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) {
        this.started = true;
        if (c === 123 && this.inTopList()) this.lists.at(-1)?.push(line);
        stack.push(c);
        if (c === 91 && this.inTopList()) this.lists.push([]);
      } else if (c === 125 || c === 93) {
        stack.pop();
        if (!stack.length) return;
      }
    }
  }

  /** Whether the innermost open bracket is a list at the top, or held directly by the top-level object. */
  private inTopList(): boolean {
    const stack = this.stack;
    return stack.at(-1) === 91 && (stack.length === 1 || (stack.length === 2 && stack[0] === 123));
  }

  /** The line of item `index` of a list of `count`: from the first list of that many objects, else the start. */
  itemLine(index: number, count: number): number {
    if (count === 1) return this.start;
    return this.lists.find((lines) => lines.length === count)?.[index] ?? this.start;
  }
}

function mebibytes(length: number): string {
  return length >= 1024 * 1024 ? `${Math.round(length / (1024 * 1024))} MiB` : `${length} characters`;
}
