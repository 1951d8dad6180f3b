import { describe, expect, it } from 'vitest';
import { scanManifests } from '../../engine/scan.js';
import { renderJson, renderJsonDocument } from './report.js';

describe('renderJson', () => {
  it('prints the report exactly, one line per finding, in pieces', async () => {
    const { report } = await scanManifests(['examples/shop']);
    const text = [...renderJson(report)].join('');
    expect(JSON.parse(text)).toEqual(report);
    const lines = text.split('\n');
    expect(lines.filter((line) => line.startsWith('    {') && line.includes('"checkId":'))).toHaveLength(
      report.findings.length,
    );
    expect(lines[1]).toBe('  "tool": "kubematrix",');
    expect([...renderJson({ ...report, findings: [] })].join('')).toContain('"findings": [],\n');
    // Across the pieces a long list is written in.
    const many = {
      ...report,
      findings: Array.from({ length: 1201 }, (_, i) => ({ ...report.findings[0], id: `${i}` })),
    };
    expect(JSON.parse([...renderJson(many as typeof report)].join(''))).toEqual(many);
  });

  it('lays out documents of documents the same way, their lists an item a line, as JSON writes the values', async () => {
    const { report } = await scanManifests(['examples/shop']);
    const findings = Array.from({ length: 1201 }, (_, i) => ({ ...report.findings[0], id: `${i}` }));
    const document = {
      before: report,
      diff: { findings: { new: [], fixed: findings, unchanged: 3 }, empty: {}, absent: undefined },
      when: new Date(0),
      files: [{ path: 'a/b.yaml', text: 'x: 1\n' }],
    };
    const text = [...renderJsonDocument(document, 3)].join('');
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(document)));
    const lines = text.split('\n');
    // Three levels down, a finding a line; the report's own lists two levels down.
    expect(lines.filter((line) => line.startsWith('        {') && line.includes('"checkId":'))).toHaveLength(1201);
    expect(lines.filter((line) => line.startsWith('      {') && line.includes('"checkId":'))).toHaveLength(
      report.findings.length,
    );
    expect(lines).toContain('    "empty": {}');
    expect(lines).toContain('  "when": "1970-01-01T00:00:00.000Z",');
    // One level: a report's layout, nested objects indented whole.
    expect([...renderJsonDocument(report, 1)].join('')).toBe([...renderJson(report)].join(''));
  });
});
