import type { AttackPaths } from '../../model/paths.js';
import type { Report } from '../../model/report.js';
import { jsonText } from './text.js';

/**
 * Characters per piece of output, about: under the size (128 KB) from which V8 allocates a string outside its young
 * generation, where it stays until a full collection, even as two bytes a character. Pieces this size are freed as
 * soon as written: writing a report of 50 MB costs a few of them, not 50 MB of strings waiting for the collector.
 */
const PIECE = 32 * 1024;

/**
 * The report exactly as the schema in src/model/report.ts describes it (or the attack paths, as src/model/paths.ts
 * does), in pieces to write one after the other: a scan with tens of thousands of findings never becomes one string
 * of tens of megabytes. Indented at the top, one line per finding (and per technique, error, warning; per node, edge,
 * path): as easy to read and diff as fully indented JSON, at less than half its size.
 */
export function* renderJson(document: Report | AttackPaths): Generator<string> {
  yield* renderJsonDocument(document, 1);
}

/**
 * A document laid out as {@link renderJson} lays out a report, and its fields that are objects as documents of their
 * own, `depth` levels down (`kubematrix fix -o json`: the reports before and after, the diff and its findings): the
 * lists a few levels down are written an item a line, in pieces, as a report's are.
 */
export function* renderJsonDocument(document: object, depth: number): Generator<string> {
  yield* fieldsOf(document, depth, '');
  yield '\n';
}

/** A document's fields at `indent`, from its `{` to its `}`. */
function* fieldsOf(document: object, depth: number, indent: string): Generator<string> {
  const fields = definedFields(document);
  if (!fields.length) {
    yield '{}';
    return;
  }
  yield '{\n';
  for (const [index, [key, value]] of fields.entries()) {
    yield* field(key, value, index === fields.length - 1, depth, indent);
  }
  yield `${indent}}`;
}

/**
 * A document with one list that grows with the input, written as its items come (`kubematrix audit -o json`: the
 * alerts as they are raised) and laid out as {@link renderJson} lays out a whole one: the fields before the list, the
 * list an item a line, the fields after it at the end. Nothing of the list is held.
 */
export class StreamedJson {
  private items = 0;

  constructor(private readonly list: string) {}

  /** The document's start: the fields before the list, and the list's opening. */
  head(fields: object): string {
    const before = definedFields(fields).flatMap(([key, value]) => [...field(key, value, false, 1, '')]);
    return `{\n${before.join('')}  ${jsonText(this.list)}: [`;
  }

  /** One item of the list, after those before it. */
  item(value: unknown): string {
    return `${this.items++ ? ',' : ''}\n    ${jsonText(value)}`;
  }

  /** The list's end, the fields after it, the document's end. */
  tail(fields: object): string {
    const after = definedFields(fields);
    const pieces = [this.items ? '\n  ]' : ']', after.length ? ',\n' : '\n'];
    for (const [index, [key, value]] of after.entries()) {
      pieces.push(...field(key, value, index === after.length - 1, 1, ''));
    }
    pieces.push('}\n');
    return pieces.join('');
  }
}

/** An object JSON writes as its own fields (not a list, nor one with a `toJSON` of its own). */
function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && !('toJSON' in value);
}

function definedFields(document: object): [string, unknown][] {
  return Object.entries(document).filter(([, value]) => value !== undefined);
}

/**
 * A field of a document: a list an item a line, in pieces of about {@link PIECE}; an object a document of its own while
 * `depth` lasts; any other value indented.
 */
function* field(key: string, value: unknown, last: boolean, depth: number, indent: string): Generator<string> {
  yield `${indent}  ${jsonText(key)}: `;
  if (Array.isArray(value) && value.length) {
    yield '[\n';
    let piece: string[] = [];
    let length = 0;
    for (let item = 0; item < value.length; item++) {
      const line = `${indent}    ${jsonText(value[item])}${item < value.length - 1 ? ',' : ''}\n`;
      piece.push(line);
      length += line.length;
      if (length >= PIECE) {
        yield piece.join('');
        piece = [];
        length = 0;
      }
    }
    if (piece.length) yield piece.join('');
    yield `${indent}  ]`;
  } else if (depth > 1 && isPlainObject(value)) {
    yield* fieldsOf(value, depth - 1, `${indent}  `);
  } else {
    yield jsonText(value, 2).replaceAll('\n', `\n${indent}  `);
  }
  yield last ? '\n' : ',\n';
}
