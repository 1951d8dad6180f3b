import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import * as z from 'zod';
import type { AnyCheck } from '../checks/define.js';
import { ConfigError, isoDate, readUserFile } from '../config/index.js';
import { issueMessage, yamlErrorMessage } from '../inputs/errors.js';
import { formatPath } from '../inputs/path.js';
import { getMitigation, isMitigationId, mitigations, techniques } from '../matrix/index.js';
import type { Mitigation, MitigationId } from '../matrix/types.js';
import { ControlStatus } from '../model/basics.js';
import { derivableMitigations } from './defenses.js';
import { mitigates } from './index.js';

/**
 * The controls file: what the organization declares of mitigations no scan can observe (MFA, an API-server
 * firewall, backups, …). `kubematrix scan --controls FILE`, or `kubematrix-controls.yaml` in the working directory.
 */

export const DEFAULT_CONTROLS_FILE = 'kubematrix-controls.yaml';

/** An entry of the file: an answer, or `unknown`, how `controls init` writes every entry until someone answers it. */
export const ControlEntry = z.strictObject({
  mitigation: z
    .string()
    .refine(isMitigationId, 'names no mitigation of the matrix (kubematrix controls init lists them)')
    .transform((id) => id as MitigationId),
  status: z.enum([...ControlStatus.options, 'unknown']),
  /** What shows it: a policy, a ticket, a runbook. */
  evidence: z.string().optional(),
  owner: z.string().optional(),
  /** When it was last checked: `YYYY-MM-DD`. */
  reviewed: isoDate.optional(),
});
export type ControlEntry = z.infer<typeof ControlEntry>;
/** An answered entry: only these count. */
export type DeclaredControl = ControlEntry & { readonly status: ControlStatus };

export const ControlsFile = z
  .strictObject({ controls: z.array(ControlEntry).default([]) })
  .superRefine(({ controls }, context) => {
    const seen = new Set<string>();
    controls.forEach((control, index) => {
      if (seen.has(control.mitigation)) {
        context.addIssue({
          code: 'custom',
          path: ['controls', index, 'mitigation'],
          message: 'declared twice: keep one entry per mitigation',
        });
      }
      seen.add(control.mitigation);
    });
  });

/** A controls file read: its answered entries, and what to tell of the others. */
export interface ControlsRead {
  readonly controls: DeclaredControl[];
  /** Answers for mitigations the scan observes: each says which evidence the scan uses instead. */
  readonly warnings: string[];
}

/** Reads the controls file given, or the default one when present (none: nothing declared). */
export async function loadControls(
  file: string | undefined,
  cwd: string,
  checks: readonly AnyCheck[],
): Promise<ControlsRead> {
  const text = await readUserFile(file, DEFAULT_CONTROLS_FILE, cwd, 'controls file');
  return text === undefined
    ? { controls: [], warnings: [] }
    : parseControls(text, file ?? DEFAULT_CONTROLS_FILE, checks);
}

/**
 * Parses and validates a controls file. Errors name the file, line and field, and say what is wrong without quoting
 * the value (a file someone wrote may hold anything). Entries still `unknown` are left out: only answers count.
 */
export function parseControls(
  text: string,
  source = DEFAULT_CONTROLS_FILE,
  checks: readonly AnyCheck[] = [],
): ControlsRead {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { version: '1.1', lineCounter, uniqueKeys: true });
  const [yamlError] = document.errors;
  if (yamlError) {
    const at = yamlError.linePos?.[0];
    throw new ConfigError(`${source}${at ? `:${at.line}:${at.col}` : ''}: ${yamlErrorMessage(yamlError)}`);
  }
  const result = ControlsFile.safeParse(document.toJS() ?? {}, { error: issueMessage });
  const lineOf = (path: readonly (string | number)[]) => {
    const node = nearestNode(document.contents as Node | null, path);
    return node?.range ? `:${lineCounter.linePos(node.range[0]).line}` : '';
  };
  if (result.success) {
    const controls = result.data.controls.filter((entry): entry is DeclaredControl => entry.status !== 'unknown');
    const warnings = result.data.controls.flatMap((entry, index) => {
      const observed = entry.status === 'unknown' ? undefined : observedBy(entry.mitigation, checks);
      return observed
        ? [`${source}${lineOf(['controls', index, 'mitigation'])}: ${observedWarning(entry.mitigation, observed)}`]
        : [];
    });
    return { controls, warnings };
  }
  const problems = result.error.issues.map((issue) => {
    const path = issue.path as (string | number)[];
    // An unknown field is pointed at itself, not at the entry holding it.
    const at = issue.code === 'unrecognized_keys' ? [...path, ...issue.keys.slice(0, 1)] : path;
    return `${source}${lineOf(at)}: ${formatPath(path) || '(top level)'}: ${issue.message}`;
  });
  throw new ConfigError(`controls file ${source} is invalid:\n  ${problems.join('\n  ')}`);
}

/** The node at `path`, or its nearest existing parent (a missing field is reported where it belongs). */
function nearestNode(root: Node | null, path: readonly (string | number)[]): Node | null {
  let node = root;
  for (const segment of path) {
    const next = isMap(node) ? node.get(segment, true) : isSeq(node) ? node.get(Number(segment), true) : undefined;
    if (!next || typeof next !== 'object') break;
    node = next as Node;
  }
  return node;
}

/** How a scan observes a mitigation: the checks that report it missing, and whether it derives it in place. */
export interface Observation {
  readonly checks: readonly string[];
  readonly derived: boolean;
}

/** How the scan observes the mitigation; undefined when no scan can, and only the organization can answer. */
export function observedBy(id: MitigationId, checks: readonly AnyCheck[]): Observation | undefined {
  const reporting = checks.filter((check) => check.missing.includes(id)).map((check) => check.id);
  const derived = derivableMitigations.includes(id);
  return reporting.length || derived ? { checks: reporting, derived } : undefined;
}

function observedWarning(id: MitigationId, { checks, derived }: Observation): string {
  const uses = [
    ...(checks.length ? [`the findings of ${checks.join(', ')}, which report it missing`] : []),
    ...(derived ? ['the defenses it sees in place everywhere they matter (docs/report.md)'] : []),
  ];
  return `${id} ${getMitigation(id)?.name ?? ''} is observed by the scan: the declaration is not used, the scan uses ${uses.join(', and ')}`;
}

/**
 * Mitigations no scan can observe: no check reports them missing and no derivation finds them in place. They are
 * what the organization has to answer for.
 */
export function unobservableMitigations(checks: readonly AnyCheck[]): Mitigation[] {
  return mitigations.filter((mitigation) => !observedBy(mitigation.id, checks));
}

/**
 * A commented controls file listing every mitigation no scan can observe, each `unknown` until answered: the fresh
 * template declares nothing, and a scan with it is the scan without it.
 */
export function controlsTemplate(checks: readonly AnyCheck[]): string {
  const lines = [
    '# kubematrix controls: mitigations of the Threat Matrix for Kubernetes that no scan can observe.',
    '# Every entry starts unanswered (status: unknown) and counts for nothing until you answer it: set `status` to',
    '# implemented, partial or not-implemented, and say what shows it (evidence), who owns it and when it was last',
    '# reviewed (YYYY-MM-DD). kubematrix scan reads kubematrix-controls.yaml from the working directory, or the file',
    '# given with --controls; kubematrix explain <id> tells more of each mitigation.',
    'controls:',
  ];
  for (const mitigation of unobservableMitigations(checks)) {
    const defended = techniques.filter((technique) => mitigates(mitigation.id, technique));
    lines.push(
      '',
      `  # ${mitigation.id} ${mitigation.name}`,
      `  # What counts: ${mitigation.summary}`,
      `  # Defends against: ${defended.map((technique) => `${technique.id} ${technique.name}`).join('; ') || 'no technique of the matrix'}`,
      `  - mitigation: ${mitigation.id}`,
      '    status: unknown # implemented | partial | not-implemented',
      '    # evidence: what shows it (a policy, a ticket, a runbook)',
      '    # owner: the team that answers for it',
      '    # reviewed: YYYY-MM-DD',
    );
  }
  return `${lines.join('\n')}\n`;
}
