import { allChecks, getCheck } from '../../checks/index.js';
import { checksAssessing } from '../../coverage/index.js';
import { allDetections } from '../../detections/index.js';
import { lookup, mitigations, techniques } from '../../matrix/index.js';
import { checkJson, detectionJson } from '../../report/json/explain.js';
import {
  renderCandidates,
  renderCheckExplain,
  renderDetectionExplain,
  renderExplain,
} from '../../report/terminal/explain.js';
import { paint } from '../../report/terminal/paint.js';
import { closest } from '../../util/text.js';
import { detectTerminal, ExitCode, type Io, UsageError } from '../io.js';
import { parseOutput } from '../options.js';

/**
 * `kubematrix explain QUERY`: a technique or mitigation (by ID or name fragment), a check or an audit rule (by id).
 * An exact ID wins over a name fragment, so `explain cronjob` is not lost among the techniques that mention one.
 */
export default function explainCommand(io: Io, query: string, options: { output: string }): number {
  const output = parseOutput(options.output, ['table', 'json']);
  const terminal = detectTerminal(io);
  const look = { width: terminal.width, paint: paint(terminal.color) };
  const id = query.trim().toLowerCase();
  const check = getCheck(id);
  const detection = allDetections.find((candidate) => candidate.id === id);
  const matches = check || detection ? [] : lookup(query);
  const [only] = matches;
  if (check) {
    io.stdout.write(output === 'json' ? json(checkJson(check)) : renderCheckExplain(check, look));
  } else if (detection) {
    io.stdout.write(output === 'json' ? json(detectionJson(detection)) : renderDetectionExplain(detection, look));
  } else if (!only) {
    throw new UsageError(unknown(query));
  } else if (matches.length > 1) {
    io.stdout.write(renderCandidates(query, matches));
    return ExitCode.usage;
  } else if (output === 'json') {
    io.stdout.write(json({ type: only.type, ...only.entry }));
  } else {
    io.stdout.write(renderExplain(only, { ...look, checksFor: (technique) => checksAssessing(technique, allChecks) }));
  }
  return ExitCode.ok;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** What to say when nothing matches: the nearest ids of every kind explain takes. */
function unknown(query: string): string {
  // Only an ID is echoed back: any other argument may be anything (pasted text, a secret).
  const what = /^ms-(ta|m)\d{4}(\.\d{3})?$/i.test(query) ? `'${query}'` : 'that';
  const ids = [
    ...techniques.map((entry) => entry.id),
    ...mitigations.map((entry) => entry.id),
    ...allChecks.map((entry) => entry.id),
    ...allDetections.map((entry) => entry.id),
  ];
  const near = closest(query.trim(), ids);
  return [
    `nothing matches ${what}: give a technique or mitigation ID (MS-TA9013, ms-m9013), part of a name (hostpath), a check id (docs/checks.md) or an audit rule id (docs/detections.md).`,
    ...(near.length ? [`Closest: ${near.join(', ')}.`] : []),
    "'kubematrix matrix' lists the techniques and mitigations.",
  ].join(' ');
}
