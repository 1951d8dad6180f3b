import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './paths.js';

describe('the library API, as a dependent imports it', () => {
  it('scans manifests and returns a report that validates against its own schema', async () => {
    // The package name, not a relative path: this goes through package.json `exports` to the built files.
    const kubematrix = await import('kubematrix');
    const { report } = await kubematrix.scanManifests([path.join(repoRoot, 'examples/shop')]);
    expect(kubematrix.Report.parse(report)).toEqual(report);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(kubematrix.lookup('hostpath')[0]?.entry.id).toBe('MS-TA9013');
    expect(kubematrix.allChecks.length).toBeGreaterThan(10);
  });
});
