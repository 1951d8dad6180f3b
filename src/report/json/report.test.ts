import { describe, expect, it } from 'vitest';
import { scanManifests } from '../../engine/scan.js';
import { renderJson } from './report.js';

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
});
