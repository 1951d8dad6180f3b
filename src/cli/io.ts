/** Documented exit codes (README, `kubematrix --help`). */
export const ExitCode = {
  ok: 0,
  /** Findings at or above the failure threshold. */
  findings: 1,
  /** Usage error or unusable input. */
  usage: 2,
  /** A defect of kubematrix itself: told apart from findings, so that CI does not read a crash as a verdict. */
  internal: 3,
} as const;

/** A mistake the user can fix by changing the command line: printed without a stack, exit code 2. */
export class UsageError extends Error {}

/**
 * Everything a command reads from or writes to its process. The bin passes the real process; tests pass buffers,
 * so the CLI's source runs in-process under test.
 */
export interface Io {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  /** Progress goes here only when it is a terminal. */
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stdin: () => Promise<Buffer>;
  /** Standard input as it arrives, for inputs read in bounded memory (audit logs); without it, `stdin()` whole. */
  readonly stdinStream?: () => AsyncIterable<Uint8Array>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths on the command line, and the default config file, are read from here. */
  readonly cwd: string;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    stdinStream: () => process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Standard input as it arrives, or whole when this Io cannot stream it (the in-process tests). */
export function stdinChunks(io: Io): () => AsyncIterable<Uint8Array> {
  return (
    io.stdinStream ??
    async function* () {
      yield await io.stdin();
    }
  );
}

/**
 * Writes a report's pieces one after the other, waiting whenever standard output asks to (a slow pipe, where Node
 * queues what it cannot write yet): a large report never sits in memory whole on its way out.
 */
export async function writePieces(stdout: Io['stdout'], pieces: Iterable<string>): Promise<void> {
  for (const piece of pieces) {
    if (stdout.write(piece) === false && 'once' in stdout && typeof stdout.once === 'function') {
      await new Promise((resolve) => (stdout as NodeJS.WritableStream).once('drain', resolve));
    }
  }
}

export interface Terminal {
  readonly color: boolean;
  readonly width: number;
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org); FORCE_COLOR wins. */
export function detectTerminal({ stdout, env }: Pick<Io, 'stdout' | 'env'>): Terminal {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const color = forced || (stdout.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb');
  const width = stdout.isTTY && stdout.columns ? stdout.columns : Number(env.COLUMNS) || 120;
  return { color, width };
}
