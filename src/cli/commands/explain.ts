import { checksAssessing } from '../../coverage/index.js';
import { lookup, mitigations, techniques } from '../../matrix/index.js';
import type { RuleCatalog } from '../../report/index.js';
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
import { configFor, parseOutput } from '../options.js';
import { catalogFor } from './input.js';

/**
 * `kubematrix explain QUERY`: a technique or mitigation (by ID or name fragment), a check, a custom rule of the
 * config file or `--rules`, or an audit rule (by id). An exact ID wins over a name fragment, so `explain cronjob` is
 * not lost among the techniques that mention one.
 */
export default async function explainCommand(
  io: Io,
  query: string,
  options: { output: string; config?: string; rules?: string[] },
): Promise<number> {
  const output = parseOutput(options.output, ['table', 'json']);
  const catalog = await catalogFor(io, await configFor(io, options.config), options.rules);
  const { checks, detections } = catalog;
  const terminal = detectTerminal(io);
  const look = { width: terminal.width, paint: paint(terminal.color) };
  const id = query.trim().toLowerCase();
  const check = checks.find((candidate) => candidate.id === id);
  const detection = detections.find((candidate) => candidate.id === id);
  const matches = check || detection ? [] : lookup(query);
  const [only] = matches;
  if (check) {
    io.stdout.write(output === 'json' ? json(checkJson(check)) : renderCheckExplain(check, look));
  } else if (detection) {
    io.stdout.write(output === 'json' ? json(detectionJson(detection)) : renderDetectionExplain(detection, look));
  } else if (!only) {
    throw new UsageError(unknown(query, catalog));
  } else if (matches.length > 1) {
    io.stdout.write(renderCandidates(query, matches));
    return ExitCode.usage;
  } else if (output === 'json') {
    io.stdout.write(json({ type: only.type, ...only.entry }));
  } else {
    io.stdout.write(renderExplain(only, { ...look, checksFor: (technique) => checksAssessing(technique, checks) }));
  }
  return ExitCode.ok;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** What to say when nothing matches: the nearest ids of every kind explain takes. */
function unknown(query: string, { checks, detections }: RuleCatalog): string {
  // Only an ID is echoed back: any other argument may be anything (pasted text, a secret).
  const what = /^ms-(ta|m)\d{4}(\.\d{3})?$/i.test(query) ? `'${query}'` : 'that';
  const ids = [
    ...techniques.map((entry) => entry.id),
    ...mitigations.map((entry) => entry.id),
    ...checks.map((entry) => entry.id),
    ...detections.map((entry) => entry.id),
  ];
  const near = closest(query.trim(), ids);
  return [
    `nothing matches ${what}: give a technique or mitigation ID (MS-TA9013, ms-m9013), part of a name (hostpath), a check id (docs/checks.md) or an audit rule id (docs/detections.md).`,
    ...(near.length ? [`Closest: ${near.join(', ')}.`] : []),
    "'kubematrix matrix' lists the techniques and mitigations.",
  ].join(' ');
}
