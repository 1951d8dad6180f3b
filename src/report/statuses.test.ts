import { describe, expect, it } from 'vitest';
import { techniques } from '../matrix/index.js';
import { type Report, TechniqueStatusValue } from '../model/report.js';
import { renderMarkdown } from './markdown/index.js';
import { statusMarks } from './statuses.js';
import { renderReportMatrix } from './terminal/matrix.js';

describe('status marks', () => {
  it('mark each status the same way in the terminal matrix and the Markdown summary', () => {
    const statuses = TechniqueStatusValue.options;
    const report = {
      tool: 'kubematrix',
      version: '0.0.0',
      scannedAt: '2026-01-01T00:00:00.000Z',
      source: { type: 'manifests', inputs: [], files: 0, objects: 0, ignored: 0, complete: false },
      findings: [],
      techniques: techniques.map((technique, index) => ({
        id: technique.id,
        status: statuses[index % statuses.length],
        findings: 0,
        assessedBy: [],
        mitigations: { present: [], missing: [] },
      })),
      errors: [],
      warnings: [],
    } as Report;
    const terminal = renderReportMatrix(report, { width: 200, color: false });
    const markdown = renderMarkdown(report);
    for (const [index, technique] of techniques.slice(0, statuses.length).entries()) {
      const { mark } = statusMarks[statuses[index] as TechniqueStatusValue];
      const number = technique.id.slice(5);
      expect(terminal).toContain(`${mark} ${number}`);
      expect(markdown).toContain(`\`${mark}\` ${number}`);
    }
  });
});
