import { describe, expect, it } from 'vitest';
import { reportFormat } from '../../src/report/index.js';
import { repoRoot } from '../paths.js';
import { catalog, smallReport } from '../support/reports.js';

/**
 * Each file format of one small, fixed report (test/support/reports.ts), compared with the file under test/golden:
 * a change to any of them shows in review as a diff of that file. `npx vitest run test/report -u` rewrites them.
 */
describe('golden reports', async () => {
  const report = await smallReport();
  for (const [name, file] of [
    ['sarif', 'small.sarif'],
    ['navigator', 'small.layer.json'],
    ['markdown', 'small.md'],
  ] as const) {
    it(`--output ${name}`, async () => {
      const render = await reportFormat(name)?.load();
      if (!render) throw new Error(`no format ${name}`);
      const text = [
        ...render(report, { width: 100, color: false, showSuppressed: false, all: false, cwd: repoRoot, catalog }),
      ];
      await expect(text.join('')).toMatchFileSnapshot(`../golden/${file}`);
    });
  }
});
