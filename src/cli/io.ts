import { styleText } from 'node:util';

/** Documented exit codes (README, `kubematrix --help`). */
export const ExitCode = {
  ok: 0,
  /** Findings at or above the failure threshold. */
  findings: 1,
  /** Usage error or unusable input. */
  usage: 2,
} as const;

/** A mistake the user can fix by changing the command line: printed without a stack, exit code 2. */
export class UsageError extends Error {}

export interface Terminal {
  readonly color: boolean;
  readonly width: number;
}

type Style = Parameters<typeof styleText>[0];
export type Paint = (style: Style, text: string) => string;

export function paint(color: boolean): Paint {
  return color ? (style, text) => styleText(style, text) : (_style, text) => text;
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org); FORCE_COLOR wins. */
export function detectTerminal(stream: NodeJS.WriteStream = process.stdout, env = process.env): Terminal {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const color = forced || (stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb');
  const width = stream.isTTY ? stream.columns : Number(env.COLUMNS) || 120;
  return { color, width };
}
