import { ConfigError, loadConfig } from '../../config/index.js';
import { scanManifests } from '../../engine/scan.js';
import { reportFormat, reportFormats } from '../../report/index.js';
import { detectTerminal, ExitCode, type Io, UsageError } from '../io.js';

export interface ScanCommandOptions {
  output: string;
  config?: string;
  showSuppressed?: boolean;
  all?: boolean;
}

export default async function scanCommand(io: Io, paths: string[], options: ScanCommandOptions): Promise<number> {
  const format = reportFormat(options.output);
  if (!format) {
    throw new UsageError(
      `--output must be one of ${reportFormats.map((f) => f.name).join(', ')} (got '${options.output}')`,
    );
  }
  if (!paths.length) throw new UsageError("give at least one file or directory to scan, or '-' to read standard input");
  const config = await loadConfig(options.config, io.cwd).catch((error: unknown) => {
    throw error instanceof ConfigError ? new UsageError(error.message) : error;
  });
  const [{ report }, render] = await Promise.all([
    scanManifests(paths, { config, cwd: io.cwd, stdin: io.stdin }),
    format.load(),
  ]);
  const terminal = detectTerminal(io);
  for (const piece of render(report, { ...terminal, showSuppressed: !!options.showSuppressed, all: !!options.all })) {
    io.stdout.write(piece);
  }
  // Nothing readable at all is an input error; a few broken files among many are reported and the scan stands.
  return report.source.files === 0 && report.errors.length ? ExitCode.usage : ExitCode.ok;
}
