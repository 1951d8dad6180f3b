import { vi } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { CliResult } from './run.js';

/**
 * Runs the CLI inside the test process, for many runs at little cost: stdout and stderr are captured and the
 * environment and exit code restored afterwards. `cli()` in run.ts spawns the built binary instead.
 */
export async function runInProcess(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<CliResult> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const capture = (stream: NodeJS.WriteStream, into: string[]) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const spies = [capture(process.stdout, stdout), capture(process.stderr, stderr)];
  setEnv(env);
  process.exitCode = undefined;
  try {
    const status = await run(args);
    return { status, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    process.exitCode = undefined;
    setEnv(saved);
    for (const spy of spies) spy.mockRestore();
  }
}

function setEnv(values: Readonly<Record<string, string | undefined>>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}
