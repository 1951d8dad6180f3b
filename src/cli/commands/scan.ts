import { ConfigError, loadConfig } from '../../config/index.js';
import { scanManifests } from '../../engine/scan.js';
import { renderFindings } from '../../report/terminal/findings.js';
import { renderMatrix } from '../../report/terminal/matrix.js';
import { printableCopy } from '../../report/terminal/text.js';
import { detectTerminal, ExitCode, paint, UsageError } from '../io.js';
import { parseOutput } from '../options.js';

export interface ScanCommandOptions {
  output: string;
  config?: string;
  showSuppressed?: boolean;
}

export default async function scanCommand(paths: string[], options: ScanCommandOptions): Promise<number> {
  const output = parseOutput(options.output, ['table', 'json', 'matrix']);
  if (!paths.length) throw new UsageError("give at least one file or directory to scan, or '-' to read standard input");
  const config = await loadConfig(options.config).catch((error: unknown) => {
    throw error instanceof ConfigError ? new UsageError(error.message) : error;
  });
  const { report } = await scanManifests(paths, { config });
  const terminal = detectTerminal();
  const style = { width: terminal.width, paint: paint(terminal.color) };
  if (output === 'json') {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else if (output === 'matrix') {
    const status = new Map(report.techniques.map((technique) => [technique.id, technique.status]));
    process.stdout.write(renderMatrix({ ...style, status }));
  } else {
    // The table shows input text (names, images, file names, reasons): escaped for the terminal, not in the JSON.
    const printableReport = printableCopy(report);
    process.stdout.write(renderFindings(printableReport, { ...style, showSuppressed: !!options.showSuppressed }));
  }
  // Nothing readable at all is an input error; a few broken files among many are reported and the scan stands.
  return report.source.files === 0 && report.errors.length ? ExitCode.usage : ExitCode.ok;
}
