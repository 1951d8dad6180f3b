import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/index.js';
import { checksAssessing } from '../../src/coverage/index.js';
import { checksMarkdown } from '../../src/docs/checks.js';
import { isMitigationId, isTechniqueId, techniques } from '../../src/matrix/index.js';
import { repoRoot } from '../paths.js';

const checksDir = path.join(repoRoot, 'src/checks');

describe('the checks, as a whole', () => {
  it('have unique ids', () => {
    const ids = allChecks.map((check) => check.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('are every check folder, registered, each with its own test table', () => {
    const folders = readdirSync(checksDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(checksDir, entry.name, 'index.ts')))
      .map((entry) => entry.name)
      .sort();
    expect(allChecks.map((check) => check.id).sort()).toEqual(folders);
    for (const id of folders) expect(existsSync(path.join(checksDir, id, `${id}.test.ts`)), id).toBe(true);
  });

  it.each(allChecks.map((check) => [check.id, check] as const))(
    '%s names only real techniques and mitigations, and explains itself',
    (_id, check) => {
      for (const id of check.exposes) expect(isTechniqueId(id), id).toBe(true);
      for (const id of check.missing) expect(isMitigationId(id), id).toBe(true);
      expect(check.title.length).toBeGreaterThan(3);
      for (const text of [check.description, check.rationale, check.remediation])
        expect(text.length).toBeGreaterThan(20);
    },
  );

  it('are documented in docs/checks.md as their metadata says (run `npm run docs` after changing a check)', () => {
    const committed = readFileSync(path.join(repoRoot, 'docs/checks.md'), 'utf8');
    expect(committed).toBe(checksMarkdown(allChecks));
  });
});

describe('the matrix, as the checks cover it', () => {
  /** Techniques no check assesses yet and no question covers, each with what it waits for. */
  const awaiting: Record<string, string> = {};

  it('has every technique assessed by a check, answerable as a question, or knowingly awaiting an input', () => {
    const unaccounted = techniques
      .filter((technique) => checksAssessing(technique, allChecks).length === 0 && !technique.detection.question)
      .map((technique) => technique.id);
    expect(unaccounted).toEqual(Object.keys(awaiting));
  });
});
