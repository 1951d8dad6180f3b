import type { AuditEvent } from '../inputs/audit/event.js';
import { queryOf, succeeded } from './request.js';

/** An exec or attach into a container, as its audit event shows it. */
export interface ExecRequest {
  readonly kind: 'exec' | 'attach';
  /** The command as the client sent it (one `command=` parameter per word); empty for attach. */
  readonly command: readonly string[];
  readonly container?: string;
  /** Stdin and a terminal: a person typing, as `kubectl exec -it` asks. */
  readonly interactive: boolean;
}

/** The verbs an exec or attach arrives with: `create`, and `get` from clients that open a WebSocket. */
export const EXEC_VERBS = ['create', 'get'] as const;
export const EXEC_RESOURCES = ['pods/exec', 'pods/attach'] as const;

const parsed = new WeakMap<AuditEvent, ExecRequest | null>();

/**
 * The exec or attach an event records, once the API server let it through (`ResponseStarted` with 101 for a stream,
 * or `ResponseComplete`); `undefined` for anything else. The command shows URL-encoded in `requestURI` or, at level
 * `Request` and in exports that drop the URI, in the request body (`PodExecOptions`); the URI wins when both do.
 * Parsed once per event however many rules ask.
 */
export function execRequest(event: AuditEvent): ExecRequest | undefined {
  const cached = parsed.get(event);
  if (cached !== undefined) return cached ?? undefined;
  const ref = event.objectRef;
  const kind = ref?.resource === 'pods' ? ref.subresource : undefined;
  let request: ExecRequest | null = null;
  if ((kind === 'exec' || kind === 'attach') && succeeded(event)) {
    const query = queryOf(event);
    const body = optionsOf(event.requestObject);
    const container = query.get('container') ?? body.container;
    const option = (name: 'stdin' | 'tty') => (query.has(name) ? query.get(name) === 'true' : body[name] === true);
    const command = query.getAll('command');
    request = {
      kind,
      command: kind !== 'exec' ? [] : command.length ? command : body.command,
      ...(container ? { container } : {}),
      interactive: option('stdin') && option('tty'),
    };
  }
  parsed.set(event, request);
  return request ?? undefined;
}

/** The fields of a `PodExecOptions`/`PodAttachOptions` body the rules read; what is not there is empty. */
function optionsOf(body: unknown): { command: string[]; container?: string; stdin?: unknown; tty?: unknown } {
  if (typeof body !== 'object' || body === null) return { command: [] };
  const { command, container, stdin, tty } = body as Record<string, unknown>;
  return {
    command: Array.isArray(command) ? command.filter((word): word is string => typeof word === 'string') : [],
    ...(typeof container === 'string' && container ? { container } : {}),
    stdin,
    tty,
  };
}

/**
 * A program's name as a rule compares it: the last path segment, lower-case, without `.exe`
 * (`/usr/bin/python3` → `python3`, `C:\Windows\System32\cmd.exe` → `cmd`).
 */
export function programName(word: string): string {
  const base = word.slice(Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\')) + 1).toLowerCase();
  return base.endsWith('.exe') ? base.slice(0, -4) : base;
}

/** Programs that run the next word as the real command; their own options and values are skipped. */
const WRAPPERS = new Set(['busybox', 'command', 'env', 'exec', 'nice', 'nohup', 'nsenter', 'setsid', 'stdbuf', 'sudo']);
/** Wrappers whose first plain argument is theirs, not the command: `chroot /host sh`, `timeout 10 sh`. */
const WRAPPERS_WITH_ARGUMENT = new Set(['chroot', 'timeout']);
/** Options, `NAME=value` assignments and numbers (`nice -n 10`, `nsenter -t 1`) a wrapper takes before the command. */
const WRAPPER_ARGUMENT = /^(?:-.*|[A-Za-z_][A-Za-z0-9_]*=.*|\d+(?:\.\d+)?[smhd]?)$/;

/** The command with wrappers peeled off: `env -i nohup /bin/bash -i` → `/bin/bash -i`. */
export function unwrap(command: readonly string[]): readonly string[] {
  let rest = command;
  for (let depth = 0; depth < 8 && rest.length > 1; depth++) {
    const name = programName(rest[0] as string);
    const takesArgument = WRAPPERS_WITH_ARGUMENT.has(name);
    if (!takesArgument && !WRAPPERS.has(name)) break;
    let next = 1;
    while (next < rest.length && WRAPPER_ARGUMENT.test(rest[next] as string)) next++;
    if (takesArgument && name === 'chroot') next++;
    rest = rest.slice(next);
  }
  return rest;
}

/** Command shells, by {@link programName}: all take a script with `-c`. */
export const SHELLS: ReadonlySet<string> = new Set([
  'sh',
  'bash',
  'rbash',
  'ash',
  'dash',
  'zsh',
  'ksh',
  'mksh',
  'pdksh',
  'yash',
  'csh',
  'tcsh',
  'fish',
]);

/**
 * Every simple command the exec runs, wrappers peeled: the command itself and, for `sh -c SCRIPT`, the commands of
 * the script split at `;`, `&`, `|`, newlines and substitutions. The split ignores quoting rules beyond stripping
 * quotes: good enough to find a program's name and first arguments, not to run anything.
 */
export function simpleCommands(command: readonly string[]): (readonly string[])[] {
  const outer = unwrap(command);
  if (!outer.length) return [];
  const found: (readonly string[])[] = [outer];
  const script = SHELLS.has(programName(outer[0] as string)) ? scriptOf(outer) : undefined;
  if (script !== undefined) {
    for (const part of script.split(/[;&|\n()`{}]|\$\(/)) {
      const words = part
        .trim()
        .split(/\s+/)
        .map((word) => word.replace(/^['"]+|['"]+$/g, ''))
        .filter(Boolean);
      const inner = unwrap(words);
      if (inner.length) found.push(inner);
    }
  }
  return found;
}

/** The script of `sh -c SCRIPT` (also `-ec`, `-xc`), if the shell was given one. */
function scriptOf(shell: readonly string[]): string | undefined {
  const flag = shell.findIndex((arg, index) => index > 0 && /^-[a-z]*c[a-z]*$/.test(arg));
  return flag < 0 ? undefined : shell[flag + 1];
}
