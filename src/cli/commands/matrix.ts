import { matrixJson } from '../../report/json/matrix.js';
import { renderMatrix } from '../../report/terminal/matrix.js';
import { paint } from '../../report/terminal/paint.js';
import { detectTerminal, type Io } from '../io.js';
import { parseOutput } from '../options.js';

export default function matrixCommand(io: Io, options: { output: string }): number {
  const output = parseOutput(options.output, ['table', 'json']);
  if (output === 'json') {
    io.stdout.write(`${JSON.stringify(matrixJson(), null, 2)}\n`);
    return 0;
  }
  const terminal = detectTerminal(io);
  io.stdout.write(renderMatrix({ width: terminal.width, paint: paint(terminal.color) }));
  return 0;
}
