import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { getMitigation } from '../matrix/index.js';
import type { Report } from '../model/report.js';
import { compareText } from '../util/text.js';
import { commentText, shellQuote } from './text.js';
import type { FixFile } from './types.js';
import { type WhatIf, whatIfLines } from './what-if.js';

/**
 * The fix folder: each file at its `<mitigation id>-<slug>/` path, a README.md saying per mitigation what each file
 * closes and would break, how to apply it, and the what-if; and a kustomization.yaml listing the objects the files
 * create and their patches, when there are any.
 */

export interface FolderFile {
  /** Relative to the folder, forward slashes. */
  readonly path: string;
  readonly text: string;
}

/** What the folder was made from: `examples/shop`, `cluster prod (https://…)`. */
function sourceText(source: Report['source']): string {
  return source.type === 'cluster'
    ? `cluster ${source.context} (${source.server})`
    : source.inputs.map((input) => `\`${commentText(input)}\``).join(', ');
}

/**
 * A Pod's spec cannot change in place (the API server refuses it, and a static pod's is its node's file): a patch of
 * one is made in its manifest, then the pod recreated.
 */
const POD_PATCH =
  "a Pod's spec cannot change in place: make the change in its manifest (`kubematrix fix --write`, or kustomize with kustomization.yaml; a static pod's manifest is its node's file), then recreate the pod";

/** How to apply one file by hand: a command, or what to do when no command can. */
function applyLine(file: FixFile): string | undefined {
  if (file.patches?.some(({ target }) => target.kind === 'Pod')) return POD_PATCH;
  const command = applyCommand(file);
  return command === undefined ? undefined : `\`${command}\``;
}

/** The command that applies the file, when one does. */
function applyCommand(file: FixFile): string | undefined {
  const quoted = shellQuote(file.path);
  if (file.path.endsWith('.sh')) return `sh ${quoted}`;
  if (file.patches?.length) {
    return file.patches
      .map(({ target }) => {
        const namespace = target.namespace ? ` -n ${shellQuote(target.namespace)}` : '';
        return `kubectl patch ${target.kind.toLowerCase()} ${shellQuote(target.name)}${namespace} --type strategic --patch-file ${quoted}`;
      })
      .join('; ');
  }
  if (file.creates?.length) return `kubectl apply -f ${quoted}`;
  return undefined;
}

function fileEntry(file: FixFile): string[] {
  const apply = applyLine(file);
  const closes = [
    ...(file.closes.techniques.length ? [`techniques ${file.closes.techniques.join(', ')}`] : []),
    ...(file.closes.findings.length
      ? [`${file.closes.findings.length} finding(s): ${file.closes.findings.join(', ')}`]
      : []),
  ];
  return [
    `- [\`${file.path}\`](${file.path})`,
    `  - closes: ${closes.length ? closes.join('; ') : 'nothing by itself (it records, prepares or explains)'}`,
    ...(file.breaks.length > 1
      ? ['  - would break:', ...file.breaks.map((broken) => `    - ${commentText(broken)}`)]
      : [
          `  - would break: ${file.breaks.length ? commentText(file.breaks[0] as string) : 'nothing that runs in the input'}`,
        ]),
    ...(apply ? [`  - apply: ${apply}`] : []),
  ];
}

function readme(files: readonly FixFile[], whatIf: WhatIf | undefined): string {
  const byMitigation = new Map<string, FixFile[]>();
  for (const file of files) byMitigation.set(file.mitigation, [...(byMitigation.get(file.mitigation) ?? []), file]);
  const sections = [...byMitigation]
    .sort(([a], [b]) => compareText(a, b))
    .map(([id, list]) =>
      [`### ${id} ${getMitigation(id)?.name ?? ''}`.trimEnd(), '', ...list.flatMap(fileEntry)].join('\n'),
    );
  const source = whatIf ? ` from ${sourceText(whatIf.before.source)}` : '';
  return `${[
    '# kubematrix fix',
    '',
    `Files that close what \`kubematrix scan\` found${source}, grouped by the matrix mitigation they implement. Nothing here has been applied: review each file, then apply it with the command given, or through kustomization.yaml.`,
    '',
    '## Files',
    '',
    ...(sections.length ? [sections.join('\n\n')] : ['No fix to propose for this input.']),
    ...(whatIf
      ? [
          '',
          '## What if every file were applied',
          '',
          'The input scanned again with every file applied in memory (`kubematrix fix --what-if`):',
          '',
          '```text',
          ...whatIfLines(whatIf).map(commentText),
          '```',
        ]
      : []),
  ].join('\n')}\n`;
}

/**
 * Objects created go under `resources:`, patches under `patches:`; scripts and notes are for people. A patch whose
 * object the input does not hold (the what-if's `unapplied`) is left out and named: kustomize fails on a patch that
 * matches nothing it builds.
 */
function kustomization(files: readonly FixFile[], whatIf: WhatIf | undefined): string | undefined {
  const unmatched = new Map((whatIf?.diff.unapplied ?? []).map((entry) => [entry.file, entry]));
  const yaml = files.filter((file) => /\.ya?ml$/.test(file.path));
  const patched = yaml.filter((file) => file.patches?.length);
  const patches = patched.filter((file) => !unmatched.has(file.path)).map((file) => ({ path: file.path }));
  const resources = yaml.filter((file) => !file.patches?.length && file.creates?.length).map((file) => file.path);
  if (!patches.length && !resources.length) return undefined;
  const header = [
    '# The objects these fixes create, and their strategic-merge patches to your objects (kustomize build).',
    '# The patches apply to objects kustomize builds: add the base that holds your manifests to resources.',
    ...patched.flatMap((file) => {
      const entry = unmatched.get(file.path);
      return entry
        ? [`# Not listed: ${commentText(file.path)}: ${commentText(entry.reason)}; apply it as README.md says.`]
        : [];
    }),
  ].join('\n');
  return `${header}\n${stringify(
    {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      ...(resources.length ? { resources } : {}),
      ...(patches.length ? { patches } : {}),
    },
    { version: '1.1', lineWidth: 0 },
  )}`;
}

/** Every file of the folder, README.md and kustomization.yaml included, by path. */
export function folderFiles(files: readonly FixFile[], whatIf?: WhatIf): FolderFile[] {
  const kustomize = kustomization(files, whatIf);
  return [
    { path: 'README.md', text: readme(files, whatIf) },
    ...(kustomize ? [{ path: 'kustomization.yaml', text: kustomize }] : []),
    ...files.map(({ path, text }) => ({ path, text })),
  ].sort((a, b) => compareText(a.path, b.path));
}

/** A folder that is not empty, without `--force`: its files could be mixed up with or lost to the new ones. */
export class FolderError extends Error {}

/**
 * Writes the folder, creating it; an existing folder must be empty unless `force`, which overwrites files of the same
 * names and leaves every other file as it is.
 */
export function writeFolder(dir: string, files: readonly FolderFile[], { force = false } = {}): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new FolderError(`${dir} exists and is not a folder`);
    if (!force && readdirSync(dir).length) {
      throw new FolderError(`${dir} is not empty: give an empty or new folder, or --force to overwrite its files`);
    }
  }
  for (const file of files) {
    const target = path.join(dir, ...file.path.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.text, { mode: file.path.endsWith('.sh') ? 0o755 : 0o644 });
  }
}
