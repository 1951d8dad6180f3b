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
  const fields = Object.entries(document).filter(([, value]) => value !== undefined);
  yield '{\n';
  for (const [index, [key, value]] of fields.entries()) {
    yield `  ${jsonText(key)}: `;
    if (Array.isArray(value) && value.length) {
      yield '[\n';
      let piece: string[] = [];
      let length = 0;
      for (let item = 0; item < value.length; item++) {
        const line = `    ${jsonText(value[item])}${item < value.length - 1 ? ',' : ''}\n`;
        piece.push(line);
        length += line.length;
        if (length >= PIECE) {
          yield piece.join('');
          piece = [];
          length = 0;
        }
      }
      if (piece.length) yield piece.join('');
      yield '  ]';
    } else {
      yield jsonText(value, 2).replaceAll('\n', '\n  ');
    }
    yield index < fields.length - 1 ? ',\n' : '\n';
  }
  yield '}\n';
}
