import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { allDetections } from '../../detections/index.js';
import type { AllowList } from '../../detections/pipeline.js';
import {
  type AuditLogResult,
  auditAllowList,
  auditLog,
  auditReport,
  auditReportHead,
  auditReportTail,
} from '../../engine/audit.js';
import { parseAddressList } from '../../inputs/audit/address-list.js';
import type { AddressSet } from '../../k8s/ip.js';
import { type Severity, severityRank } from '../../model/basics.js';
import { StreamedJson } from '../../report/json/report.js';
import { jsonText } from '../../report/json/text.js';
import { formatInputError } from '../../report/terminal/errors.js';
import { plural } from '../../report/terminal/findings.js';
import { printable } from '../../report/terminal/text.js';
import { selectedBy } from '../../util/text.js';
import { detectTerminal, ExitCode, type Io, stdinChunks, UsageError } from '../io.js';
import { configFor, parseTimeBound, type SelectionOptions, selectionOf } from '../options.js';

export interface AuditCommandOptions extends SelectionOptions {
  output: 'table' | 'jsonl' | 'json';
  since?: string;
  until?: string;
  proxyList?: string;
  config?: string;
  failOn?: Severity;
}

export default async function auditCommand(io: Io, inputs: string[], options: AuditCommandOptions): Promise<number> {
  if (!inputs.length) {
    throw new UsageError("give at least one audit log (file or directory), or '-' to read standard input");
  }
  const now = new Date();
  const since = options.since === undefined ? undefined : parseTimeBound(options.since, '--since', now);
  const until = options.until === undefined ? undefined : parseTimeBound(options.until, '--until', now);
  if (since && until && since >= until) throw new UsageError('--since must be before --until');
  const detection = await detectionOptions(io, options);
  const { only, skip } = selectionOf(
    allDetections.map((rule) => rule.id),
    options,
    'detection rule (see docs/detections.md)',
  );
  const detections = allDetections.filter((rule) => selectedBy(rule.id, only, skip));

  const failOn = options.failOn;
  let failing = 0;
  const out = new BatchedWriter(io);
  // The document's alerts are written as they are raised, and the rest once the run has ended.
  const json = options.output === 'json' ? new StreamedJson('alerts') : undefined;
  if (json) out.write(json.head(auditReportHead(now)));
  const result = await auditLog(inputs, {
    cwd: io.cwd,
    stdin: stdinChunks(io),
    ...detection,
    detections,
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    onAlert: (alert) => {
      if (failOn && severityRank(alert.severity) <= severityRank(failOn)) failing++;
      if (json) return out.write(json.item(alert));
      if (options.output === 'jsonl') return out.write(`${jsonText(alert)}\n`);
    },
  });
  if (json) await out.write(json.tail(auditReportTail(result)));
  await out.flush();

  if (options.output === 'table') {
    const { renderAuditTable } = await import('../../report/terminal/audit.js');
    io.stdout.write(renderAuditTable(auditReport(result, [], now), detectTerminal(io)));
  } else if (!json) {
    // The alerts went to standard output; what went wrong goes beside them (the JSON report holds it).
    for (const error of result.errors) io.stderr.write(`kubematrix: ${formatInputError(error)}\n`);
  }

  if (nothingRead(result)) return ExitCode.usage;
  if (failing) {
    io.stderr.write(`kubematrix: ${plural(failing, 'alert')} at or above ${failOn} (--fail-on)\n`);
    return ExitCode.findings;
  }
  return ExitCode.ok;
}

/** Every input unreadable: an input error, as for scan; a few bad files among many are reported and the run stands. */
function nothingRead(result: AuditLogResult): boolean {
  return result.source.lines === 0 && result.errors.length > 0;
}

/**
 * What the detections are run with, the same for files and the webhook backend: the config's allow-list and the
 * `--proxy-list` addresses.
 */
export async function detectionOptions(
  io: Io,
  options: { config?: string; proxyList?: string },
): Promise<{
  allow: AllowList;
  maxDecompressedBytes: number;
  maxNodes: number;
  settings?: { proxyAddresses: AddressSet };
}> {
  const config = await configFor(io, options.config);
  const proxies = options.proxyList === undefined ? undefined : await readProxyList(io, options.proxyList);
  return {
    allow: auditAllowList(config.audit),
    maxDecompressedBytes: config.limits.decompressedBytes,
    maxNodes: config.limits.nodesPerDocument,
    ...(proxies ? { settings: { proxyAddresses: proxies } } : {}),
  };
}

async function readProxyList(io: Io, file: string): Promise<AddressSet> {
  let text: string;
  try {
    text = await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --proxy-list ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  const { addresses, errors } = parseAddressList(text, file);
  if (errors.length) {
    const shown = errors.slice(0, 5).map((error) => `  ${formatInputError(error)}`);
    const more = errors.length > shown.length ? [`  … ${errors.length - shown.length} more`] : [];
    throw new UsageError(
      `--proxy-list ${printable(file)}: ${plural(errors.length, 'bad line')}\n${[...shown, ...more].join('\n')}`,
    );
  }
  return addresses;
}

/**
 * Alerts written in batches, waiting for a pipe to drain when it is full: a run over a large log may raise more
 * alerts than a slow reader takes, and they must not pile up in memory.
 */
class BatchedWriter {
  private text = '';

  constructor(private readonly io: Io) {}

  write(line: string): Promise<void> | undefined {
    this.text += line;
    return this.text.length >= 1 << 16 ? this.flush() : undefined;
  }

  flush(): Promise<void> | undefined {
    const text = this.text;
    this.text = '';
    if (!text) return undefined;
    const flowing = this.io.stdout.write(text);
    const stdout = this.io.stdout as { once?: (event: 'drain', listener: () => void) => unknown };
    if (flowing !== false || typeof stdout.once !== 'function') return undefined;
    return new Promise((resolve) => stdout.once?.('drain', resolve));
  }
}
