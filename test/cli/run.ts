import { spawnSync } from 'node:child_process';
import { run } from '../../src/cli/main.js';
import { binPath, repoRoot } from '../paths.js';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  input?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs the CLI's source in-process, as a user would run it without a TTY (so without colour). */
export async function cli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const status = await run(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: async () => Buffer.from(options.input ?? ''),
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env },
    cwd: options.cwd ?? repoRoot,
  });
  return { status, stdout, stderr };
}

/** Runs the built bin in a process of its own: for the few tests that must see what a user installs. */
export function cliProcess(args: readonly string[], options: CliOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [binPath, ...args], {
    encoding: 'utf8',
    input: options.input ?? '',
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
