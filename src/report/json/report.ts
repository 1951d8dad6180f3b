import type { AttackPaths } from '../../model/paths.js';
import type { Report } from '../../model/report.js';
import { jsonText } from './text.js';

/** Findings (and other list items) per piece of output: a few hundred kilobytes, whatever the report's size. */
const BATCH = 500;

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
      for (let start = 0; start < value.length; start += BATCH) {
        const items = value.slice(start, start + BATCH).map((item) => `    ${jsonText(item)}`);
        yield `${items.join(',\n')}${start + BATCH < value.length ? ',' : ''}\n`;
      }
      yield '  ]';
    } else {
      yield jsonText(value, 2).replaceAll('\n', '\n  ');
    }
    yield index < fields.length - 1 ? ',\n' : '\n';
  }
  yield '}\n';
}
