import { describe, expect, it } from 'vitest';
import { samplePaths } from '../../test/support/attack-paths.js';
import { scanManifests } from '../engine/scan.js';
import { techniques } from '../matrix/index.js';
import { type Report, TechniqueStatusValue } from '../model/report.js';
import { renderMarkdown } from './markdown/index.js';
import { onPathMark, statusMarks } from './statuses.js';
import { renderFindings } from './terminal/findings.js';
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

  it('add the on-path mark after the status of techniques on an attack path, in the matrix, legend and summary', async () => {
    const { report } = await scanManifests(['examples/shop'], { paths: () => samplePaths });
    const options = { width: 200, color: false, showSuppressed: false, all: false };
    const terminal = renderReportMatrix(report, options);
    const markdown = renderMarkdown(report);
    const mark = `${statusMarks.exposed.mark}${onPathMark.mark}`;
    // On a path (privileged escape, token theft, cluster-admin binding), and exposed by the shop's own findings.
    for (const id of ['MS-TA9018', 'MS-TA9016', 'MS-TA9019']) {
      expect(terminal).toContain(`${mark} ${id.slice(5)}`);
      expect(markdown).toContain(`\`${mark}\` ${id.slice(5)}`);
    }
    // Exposed, on no path.
    expect(terminal).toContain(`${statusMarks.exposed.mark} 9036`);
    expect(markdown).toContain(`\`${statusMarks.exposed.mark}\` 9036`);
    expect(terminal.replace(/\s+/g, ' ')).toContain(`${onPathMark.mark} ${onPathMark.meaning}`);
    expect(markdown).toContain(`\`${onPathMark.mark}\` ${onPathMark.meaning}`);
    expect(renderFindings(report, options).replace(/\s+/g, ' ')).toContain(
      "Attack paths: 7 paths reach a node's root, cluster-admin equivalent, every secret; fix first: ClusterRoleBinding shop-operator gives ServiceAccount shop/shop-operator cluster-admin (removes 5)",
    );
  });

  it('leave the on-path mark out of a scan without paths', async () => {
    const { report } = await scanManifests(['examples/shop'], { paths: false });
    const terminal = renderReportMatrix(report, { width: 200, color: false });
    expect(terminal).not.toContain(onPathMark.meaning);
    expect(terminal).not.toContain(`${statusMarks.exposed.mark}${onPathMark.mark}`);
    expect(renderMarkdown(report)).not.toContain(onPathMark.meaning);
  });
});
