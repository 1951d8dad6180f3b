import { matrixJson } from '../../report/json/matrix.js';
import { renderMatrix } from '../../report/terminal/matrix.js';
import { detectTerminal, paint } from '../io.js';
import { parseOutput } from '../options.js';

export default function matrixCommand(options: { output: string }): void {
  const output = parseOutput(options.output, ['table', 'json']);
  if (output === 'json') {
    process.stdout.write(`${JSON.stringify(matrixJson(), null, 2)}\n`);
    return;
  }
  const terminal = detectTerminal();
  process.stdout.write(renderMatrix({ width: terminal.width, paint: paint(terminal.color) }));
}
