import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineDetection } from '../../src/detections/define.js';
import { allDetections } from '../../src/detections/index.js';
import { detectionsMarkdown } from '../../src/docs/detections.js';
import { repoRoot } from '../paths.js';

describe('docs/detections.md', () => {
  it("is the detections' metadata as generated (run `npm run docs` after changing a detection)", () => {
    const committed = readFileSync(path.join(repoRoot, 'docs/detections.md'), 'utf8');
    expect(committed).toBe(detectionsMarkdown(allDetections));
  });
});

describe('the detections page', () => {
  it('lists each detection in the table and gives it a section with its techniques, level, filter and cases', () => {
    const exec = defineDetection({
      id: 'pod-exec',
      title: 'Exec into a pod',
      severity: 'medium',
      techniques: ['MS-TA9006'],
      description: 'Someone ran a command in a container.',
      rationale: 'Exec gives a shell where the workload runs.',
      response: 'Ask the user why.',
      fields: ['objectRef.subresource', 'requestURI'],
      level: 'Metadata',
      benign: 'Debugging by on-call engineers.',
      baseline: 'Who usually execs, and where.',
      on: { verbs: ['create', 'get'], resources: ['pods/exec'] },
      detect() {},
    });
    const page = detectionsMarkdown([exec]);
    expect(page).toContain('| [pod-exec](#pod-exec) | medium | MS-TA9006 | Metadata |');
    expect(page).toContain('## pod-exec');
    expect(page).toContain('- MS-TA9006 Exec into container');
    expect(page).toContain('Watches: `create`, `get` on `pods/exec`.');
    expect(page).toContain('**Known benign cases.** Debugging by on-call engineers.');
    expect(page).toContain('**Needs a baseline.** Who usually execs, and where.');
  });
});
