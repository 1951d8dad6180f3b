import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { allChecks } from '../../checks/index.js';
import { controlsTemplate } from '../../coverage/controls.js';
import { describe } from '../../inputs/cluster/connect.js';
import { type Io, UsageError } from '../io.js';

/** `kubematrix controls init`: the template on standard output, or in a new file. */
export function init(io: Io, options: { output?: string }): number {
  const template = controlsTemplate(allChecks);
  if (!options.output) {
    io.stdout.write(template);
    return 0;
  }
  try {
    // `wx`: an answered controls file is work that must not be lost to a second `init`.
    writeFileSync(path.resolve(io.cwd, options.output), template, { flag: 'wx' });
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    throw new UsageError(
      `cannot write ${options.output}: ${exists ? 'it already exists, and init never overwrites' : describe(error, 'write failed')}`,
    );
  }
  io.stderr.write(`kubematrix: wrote ${options.output}\n`);
  return 0;
}
