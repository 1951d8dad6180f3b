import { allChecks } from '../../checks/index.js';
import { checksAssessing } from '../../coverage/index.js';
import { lookup } from '../../matrix/index.js';
import { renderCandidates, renderExplain } from '../../report/terminal/explain.js';
import { paint } from '../../report/terminal/paint.js';
import { detectTerminal, ExitCode, type Io, UsageError } from '../io.js';
import { parseOutput } from '../options.js';

export default function explainCommand(io: Io, query: string, options: { output: string }): number {
  const output = parseOutput(options.output, ['table', 'json']);
  const matches = lookup(query);
  const [only] = matches;
  if (!only) {
    // Only an ID is echoed back: any other argument may be anything (pasted text, a secret).
    const what = /^ms-(ta|m)\d{4}(\.\d{3})?$/i.test(query) ? `'${query}'` : 'that';
    throw new UsageError(
      `nothing in the matrix matches ${what}. Give a technique or mitigation ID (MS-TA9013, ms-m9013) or part of a name (hostpath); 'kubematrix matrix' lists them all.`,
    );
  }
  if (matches.length > 1) {
    io.stdout.write(renderCandidates(query, matches));
    return ExitCode.usage;
  }
  if (output === 'json') {
    io.stdout.write(`${JSON.stringify({ type: only.type, ...only.entry }, null, 2)}\n`);
    return ExitCode.ok;
  }
  const terminal = detectTerminal(io);
  io.stdout.write(
    renderExplain(only, {
      width: terminal.width,
      paint: paint(terminal.color),
      checksFor: (technique) => checksAssessing(technique, allChecks),
    }),
  );
  return ExitCode.ok;
}
