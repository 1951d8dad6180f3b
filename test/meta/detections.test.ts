import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allDetections } from '../../src/detections/index.js';
import { getTechnique, isTechniqueId, techniques } from '../../src/matrix/index.js';
import { repoRoot } from '../paths.js';

const detectionsDir = path.join(repoRoot, 'src/detections');

describe('the detections, as a whole', () => {
  it('are every detection folder, registered in folder order, each with its own test table', () => {
    const folders = readdirSync(detectionsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(detectionsDir, entry.name, 'index.ts')))
      .map((entry) => entry.name)
      .sort();
    expect(allDetections.map((detection) => detection.id)).toEqual(folders);
    for (const id of folders) expect(existsSync(path.join(detectionsDir, id, `${id}.test.ts`)), id).toBe(true);
  });

  it.each(allDetections.map((detection) => [detection.id, detection] as const))(
    '%s names only real techniques and explains itself',
    (_id, detection) => {
      for (const id of detection.techniques) expect(isTechniqueId(id), id).toBe(true);
      expect(detection.fields.length).toBeGreaterThan(0);
      for (const text of [detection.description, detection.rationale, detection.response, detection.benign])
        expect(text.length).toBeGreaterThan(20);
      // State alone does not make a baseline (a rule may only remember what it already alerted on), but a rule
      // that states one must keep state to learn it.
      if (detection.baseline !== undefined) expect(detection.baseline.length).toBeGreaterThan(20);
    },
  );

  it('are named in the knowledge base: each technique a rule reports has the audit signal and names the rule', () => {
    for (const detection of allDetections) {
      for (const id of detection.techniques) {
        const technique = getTechnique(id);
        expect(technique?.detection.signals, `${id} (${detection.id})`).toContain('audit');
        expect(technique?.detection.text, `${id} names ${detection.id}`).toContain(`\`${detection.id}\``);
      }
    }
  });

  it('back every audit-log claim of the knowledge base: a technique said to be seen in audit logs has a rule', () => {
    const reported = new Set(allDetections.flatMap((detection) => detection.techniques));
    for (const technique of techniques) {
      if (/audit log/i.test(technique.detection.text)) expect(reported.has(technique.id), technique.id).toBe(true);
    }
  });
});
