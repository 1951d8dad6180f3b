import { ReportFileError, readReport } from '../../engine/baseline.js';
import { diffReports } from '../../engine/diff.js';
import { renderDiffJson, renderDiffMarkdown, renderDiffTable } from '../../report/diff/index.js';
import { printableCopy } from '../../report/terminal/text.js';
import { ExitCode, type Io, UsageError } from '../io.js';
import { parseOutput } from '../options.js';

export interface DiffCommandOptions {
  output: string;
}

/**
 * `kubematrix diff OLD.json NEW.json`: what changed between two `scan -o json` reports — techniques exposed or no
 * longer, findings new and fixed, attack paths new and cut.
 */
export default async function diffCommand(io: Io, before: string, after: string, options: DiffCommandOptions) {
  const output = parseOutput(options.output, ['table', 'json', 'markdown']);
  const [old, current] = await Promise.all([read(io, before), read(io, after)]);
  const files = { before, after };
  if (output === 'json') {
    io.stdout.write(renderDiffJson(diffReports(old, current), files));
    return ExitCode.ok;
  }
  // Text for people: control characters from the input escaped, as in every other table and Markdown report.
  const diff = diffReports(printableCopy(old), printableCopy(current));
  io.stdout.write(output === 'markdown' ? renderDiffMarkdown(diff, files) : renderDiffTable(diff, files));
  return ExitCode.ok;
}

async function read(io: Io, file: string) {
  return readReport(file, io.cwd).catch((error: unknown) => {
    throw error instanceof ReportFileError ? new UsageError(error.message) : error;
  });
}
