/**
 * `kubematrix fix --write`: the fixes findings carry, made in the manifest files they were found in. Only the lines
 * a fix needs are written (src/util/yaml-edit.ts): comments, layout and every other object stay byte for byte.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type ManifestObject, parseManifest } from '../inputs/manifests.js';
import { asRecord, type Inventory, type Resource } from '../inventory/index.js';
import type { Finding } from '../model/report.js';
import { applyReplacements, editableYaml, type ObjectEdit, planEdits } from '../util/yaml-edit.js';

export interface ApplyFixesOptions {
  /** What the scan read: a file whose objects to fix are no longer as scanned changed since, and is left alone. */
  readonly inventory: Inventory;
  /** Where relative file paths are, as the scan read them: the working directory by default. */
  readonly cwd?: string;
  /** Work out the new texts without writing them (a preview, a test). */
  readonly dryRun?: boolean;
}

export interface FixedFile {
  /** As the findings name it. */
  readonly file: string;
  /** Ids of the findings whose fix it now holds. */
  readonly findings: readonly string[];
  /** The whole new text, as written (or, with `dryRun`, as it would be). */
  readonly text: string;
}

export interface FixError {
  readonly file: string;
  readonly message: string;
  /** Ids of the findings left unfixed. */
  readonly findings: readonly string[];
}

/**
 * Makes, in each file, the fixes of the findings that carry one: unsuppressed ones (a suppression accepts the
 * setting as it is) found in a file. A file is written once, with all its fixes. A file changed since the scan
 * (an object to fix no longer where and as the scan read it) is not touched: an error says so, and the other files
 * are fixed. A fix that cannot be made (its path runs through a YAML alias) is an error; the file's others are made.
 */
export function applyFixesToFiles(
  findings: readonly Finding[],
  { inventory, cwd = process.cwd(), dryRun = false }: ApplyFixesOptions,
): { changed: FixedFile[]; errors: FixError[] } {
  const byFile = new Map<string, Finding[]>();
  for (const finding of findings) {
    const file = finding.location?.file;
    if (!finding.fix || finding.suppressed || file === undefined) continue;
    byFile.set(file, [...(byFile.get(file) ?? []), finding]);
  }
  const changed: FixedFile[] = [];
  const errors: FixError[] = [];
  for (const [file, fixable] of byFile) {
    const fail = (message: string, which = fixable) =>
      errors.push({ file, message, findings: which.map((finding) => finding.id) });
    if (file === '-') {
      fail('standard input cannot be edited in place: scan the files themselves to fix them');
      continue;
    }
    let text: string;
    try {
      text = readFileSync(path.resolve(cwd, file), 'utf8');
    } catch (error) {
      fail(`cannot be read: ${(error as Error).message}`);
      continue;
    }
    const current = parseManifest(file, Buffer.from(text)).objects;
    const moved = fixable.find((finding) => !unchanged(finding, file, current, inventory));
    if (moved) {
      fail(
        `changed since it was scanned (${moved.resource.kind} ${moved.resource.name} is not as it was read): scan again`,
      );
      continue;
    }
    const edits = new Map<ObjectEdit, Finding>(
      fixable.map((finding) => [
        {
          line: finding.location?.line ?? 0,
          kind: finding.resource.kind,
          name: finding.resource.name,
          operations: finding.fix ?? [],
        },
        finding,
      ]),
    );
    const planned = planEdits(editableYaml(text), [...edits.keys()]);
    for (const { edit, message } of planned.errors) fail(message, [edits.get(edit) as Finding]);
    const failed = new Set(planned.errors.map(({ edit }) => edit));
    const made = [...edits].filter(([edit]) => !failed.has(edit)).map(([, finding]) => finding.id);
    if (!made.length) continue;
    const fixed = applyReplacements(text, planned.replacements);
    if (!dryRun) writeFileSync(path.resolve(cwd, file), fixed);
    changed.push({ file, findings: made, text: fixed });
  }
  return { changed, errors };
}

/** Whether the file (its objects as read now) still holds the finding's object where, and as, the scan read it. */
function unchanged(finding: Finding, file: string, current: readonly ManifestObject[], inventory: Inventory): boolean {
  const scanned = scannedObject(finding, file, inventory);
  const where = scanned?.locate([]);
  if (!scanned || !where) return false;
  // The inventory writes the namespace an object is applied to into the metadata of one that names none.
  const read = ({ object }: ManifestObject) =>
    where.namespaceDefaulted === undefined
      ? object
      : { ...object, metadata: { ...asRecord(object.metadata), namespace: where.namespaceDefaulted } };
  return current.some(
    (object) => object.locate([]).line === where.line && isDeepStrictEqual(read(object), scanned.object),
  );
}

/** The definition the finding is about: its identity in its file, the last one to start at or above its line. */
function scannedObject(finding: Finding, file: string, inventory: Inventory): Resource | undefined {
  const { kind, namespace, name } = finding.resource;
  const line = finding.location?.line ?? 0;
  const start = (resource: Resource) => resource.locate([])?.line ?? Number.POSITIVE_INFINITY;
  return inventory
    .ofKind(kind)
    .filter((r) => r.file === file && r.ref.namespace === namespace && r.ref.name === name && start(r) <= line)
    .reduce<Resource | undefined>((best, r) => (best && start(best) >= start(r) ? best : r), undefined);
}
