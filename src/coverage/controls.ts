import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { z } from 'zod';
import type { AnyCheck } from '../checks/define.js';
import { ConfigError, isoDate, readUserFile } from '../config/index.js';
import { issueMessage, yamlErrorMessage } from '../inputs/errors.js';
import { formatPath } from '../inputs/path.js';
import { isMitigationId, mitigations, techniques } from '../matrix/index.js';
import type { Mitigation, MitigationId } from '../matrix/types.js';
import { ControlStatus } from '../model/report.js';
import { derivableMitigations } from './defenses.js';
import { mitigates } from './index.js';

/**
 * The controls file: what the organization declares of mitigations no scan can observe (MFA, an API-server
 * firewall, backups, …). `kubematrix scan --controls FILE`, or `kubematrix-controls.yaml` in the working directory.
 */

export const DEFAULT_CONTROLS_FILE = 'kubematrix-controls.yaml';

export const DeclaredControl = z.strictObject({
  mitigation: z
    .string()
    .refine(isMitigationId, 'names no mitigation of the matrix (kubematrix controls init lists them)')
    .transform((id) => id as MitigationId),
  status: ControlStatus,
  /** What shows it: a policy, a ticket, a runbook. */
  evidence: z.string().optional(),
  owner: z.string().optional(),
  /** When it was last checked: `YYYY-MM-DD`. */
  reviewed: isoDate.optional(),
});
export type DeclaredControl = z.infer<typeof DeclaredControl>;

export const ControlsFile = z
  .strictObject({ controls: z.array(DeclaredControl).default([]) })
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

/** Reads the controls file given, or the default one when present (none: nothing declared). */
export async function loadControls(file: string | undefined, cwd: string): Promise<DeclaredControl[]> {
  const text = await readUserFile(file, DEFAULT_CONTROLS_FILE, cwd, 'controls file');
  return text === undefined ? [] : parseControls(text, file ?? DEFAULT_CONTROLS_FILE);
}

/**
 * Parses and validates a controls file. Errors name the file, line and field, and say what is wrong without quoting
 * the value (a file someone wrote may hold anything).
 */
export function parseControls(text: string, source = DEFAULT_CONTROLS_FILE): DeclaredControl[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { version: '1.1', lineCounter, uniqueKeys: true });
  const [yamlError] = document.errors;
  if (yamlError) {
    const at = yamlError.linePos?.[0];
    throw new ConfigError(`${source}${at ? `:${at.line}:${at.col}` : ''}: ${yamlErrorMessage(yamlError)}`);
  }
  const result = ControlsFile.safeParse(document.toJS() ?? {}, { error: issueMessage });
  if (result.success) return result.data.controls;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path as (string | number)[];
    // An unknown field is pointed at itself, not at the entry holding it.
    const at = issue.code === 'unrecognized_keys' ? [...path, ...issue.keys.slice(0, 1)] : path;
    const node = nearestNode(document.contents as Node | null, at);
    const line = node?.range ? `:${lineCounter.linePos(node.range[0]).line}` : '';
    return `${source}${line}: ${formatPath(path) || '(top level)'}: ${issue.message}`;
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

/**
 * Mitigations no scan can observe: no check reports them missing and no derivation finds them in place. They are
 * what the organization has to answer for.
 */
export function unobservableMitigations(checks: readonly AnyCheck[]): Mitigation[] {
  const observable = new Set<string>([...checks.flatMap((check) => check.missing), ...derivableMitigations]);
  return mitigations.filter((mitigation) => !observable.has(mitigation.id));
}

/**
 * A commented controls file listing every mitigation no scan can observe, each `not-implemented` until answered:
 * an unanswered control is not counted as in place.
 */
export function controlsTemplate(checks: readonly AnyCheck[]): string {
  const lines = [
    '# kubematrix controls: mitigations of the Threat Matrix for Kubernetes that no scan can observe.',
    '# For each, set `status` to implemented, partial or not-implemented, and say what shows it (evidence), who owns',
    '# it and when it was last reviewed (YYYY-MM-DD). Every entry starts as not-implemented: a gap until answered.',
    '# Delete an entry to leave the mitigation unanswered. kubematrix scan reads kubematrix-controls.yaml from the',
    '# working directory, or the file given with --controls; kubematrix explain <id> tells more of each mitigation.',
    'controls:',
  ];
  for (const mitigation of unobservableMitigations(checks)) {
    const defended = techniques.filter((technique) => mitigates(mitigation.id, technique));
    lines.push(
      '',
      `  # ${mitigation.id} ${mitigation.name}`,
      `  # Defends against: ${defended.map((technique) => `${technique.id} ${technique.name}`).join('; ') || 'no technique of the matrix'}`,
      `  - mitigation: ${mitigation.id}`,
      '    status: not-implemented',
      '    # evidence: where it is shown (a policy, a ticket, a runbook)',
      '    # owner: the team that answers for it',
      '    # reviewed: YYYY-MM-DD',
    );
  }
  return `${lines.join('\n')}\n`;
}
