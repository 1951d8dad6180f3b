import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../test/paths.js';
import { catalog, smallReport } from '../../../test/support/reports.js';
import { scanManifests } from '../../engine/scan.js';
import type { Finding, MitigationState } from '../../model/report.js';
import { reportFormat } from '../index.js';
import { code, escapeMarkdown, renderMarkdown, TOP_FINDINGS } from './index.js';

/** The cells of a Markdown table row, split at the pipes that are not escaped. */
const cells = (row: string) => row.slice(2, -2).split(/(?<!\\) \| /);

describe('renderMarkdown', () => {
  it('draws the matrix as a table, one column per tactic, every row as wide as the header', async () => {
    const text = renderMarkdown(await smallReport());
    const table = text.split('\n').filter((line) => line.startsWith('| Initial Access') || /^\| `/.test(line));
    const [header = '', ...rows] = table;
    expect(cells(header)).toHaveLength(10);
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) expect(cells(row)).toHaveLength(10);
    expect(text).toMatch(/`!>?` 9018 Privileged container \(\d+\)/);
    expect(text).toContain('`?` 9001 Using cloud credentials');
  });

  it('keeps names that hold pipes, backticks and HTML as text, in their own cell', async () => {
    const text = renderMarkdown(await smallReport());
    const row = text.split('\n').find((line) => line.startsWith('| critical | privileged-container'));
    expect(row).toBeDefined();
    expect(cells(row as string)).toEqual([
      'critical',
      'privileged-container',
      '`Pod/demo/web\\|<b>shop</b>`',
      '`test/fixtures/reports/workload.yaml:16`',
      "container 'app\\`\\<script\\>alert(1)\\</script\\>\\`' is privileged: it can take over the node",
    ]);
    expect(text).not.toMatch(/(?<!\\)<script/);
    expect(text).toContain('1 input error');
  });

  it('lists the worst findings first, at most a screenful, suppressed ones left out', async () => {
    const { report } = await scanManifests(['examples/shop'], { cwd: repoRoot });
    const text = renderMarkdown(report);
    const severities = text
      .split('\n')
      .filter((line) => /^\| (critical|high|medium|low|info) \|/.test(line))
      .map((line) => cells(line)[0]);
    expect(severities).toHaveLength(TOP_FINDINGS);
    expect(severities[0]).toBe('critical');
    expect(text).toContain(`### Top ${TOP_FINDINGS} of ${report.findings.length} findings, worst first`);
    const suppressed = (await smallReport()).findings.find((finding: Finding) => finding.suppressed);
    expect(renderMarkdown(await smallReport())).not.toContain(suppressed?.checkId);
  });

  it('says how many findings carry their fix and what makes it, and marks those it lists', async () => {
    const { report } = await scanManifests(['examples/shop'], { cwd: repoRoot });
    const text = renderMarkdown(report);
    const fixable = report.findings.filter((finding) => finding.fix && !finding.suppressed);
    expect(text).toContain(
      `Auto-fix for ${fixable.length} findings (auto-fix where listed): kubematrix fix … --write.`,
    );
    const rows = text.split('\n').filter((line) => /^\| (critical|high|medium|low|info) \|/.test(line));
    const marked = rows.filter((row) => cells(row)[1]?.endsWith(' (auto-fix)'));
    expect(marked.length).toBeGreaterThan(0);
    // Exactly the rows of findings with a fix: in the example, every finding of a fixable check has one.
    const fixableChecks = new Set(fixable.map((finding) => finding.checkId));
    for (const row of rows) {
      const check = cells(row)[1]?.replace(' (auto-fix)', '') ?? '';
      expect(cells(row)[1]?.endsWith(' (auto-fix)'), check).toBe(fixableChecks.has(check));
    }
    expect(renderMarkdown({ ...report, findings: report.findings.filter((f) => !f.fix) })).not.toContain('auto-fix');
  });

  it('lists each unproven defense once, with its state as every format names it and why', async () => {
    const report = await smallReport();
    const unproven: MitigationState = {
      id: 'MS-M9017',
      by: 'simulated',
      evidence: [
        'not proven that Pod Security admission rejects privileged pods in every namespace (shop, other)',
        'Namespace other is not in the input: its Pod Security labels are unknown',
      ],
    };
    const [first, second, ...rest] = report.techniques;
    const techniques = [first, second].map((technique) => ({
      ...(technique as (typeof report.techniques)[number]),
      mitigations: { ...(technique as (typeof report.techniques)[number]).mitigations, unproven: [unproven] },
    }));
    const text = renderMarkdown({ ...report, techniques: [...techniques, ...rest] });
    expect(text).toContain('### Unproven defenses (1): may be in place, could not be evaluated');
    const row = text.split('\n').find((line) => line.startsWith('| `?` unproven |'));
    expect(cells(row as string)).toEqual([
      '`?` unproven',
      'MS-M9017 Ensure that pods meet defined Pod Security Standards',
      techniques.map((technique) => technique.id).join(', '),
      'not proven that Pod Security admission rejects privileged pods in every namespace (shop, other)<br>Namespace other is not in the input: its Pod Security labels are unknown',
    ]);
    expect(renderMarkdown(report)).not.toContain('Unproven');
  });

  it('escapes control characters as the terminal does, through the registered format', async () => {
    const report = await smallReport();
    const hostile = { ...report, findings: [{ ...(report.findings[0] as Finding), message: 'a\u001b[31mred\r\nb' }] };
    const render = await (reportFormat('markdown') as NonNullable<ReturnType<typeof reportFormat>>).load();
    const text = [...render(hostile, { width: 80, color: false, showSuppressed: false, all: false, catalog })].join('');
    expect(text).toContain('a\\\\x1b\\[31mred\\\\r\\\\nb');
    expect(text).not.toContain('\u001b');
  });
});

describe('Markdown escaping', () => {
  it('escapes what Markdown or GitHub would act on', () => {
    expect(escapeMarkdown('a|b `c` <img> *d* _e_ [f](g) @h ~i~ &amp; #j !k')).toBe(
      'a\\|b \\`c\\` \\<img\\> \\*d\\* \\_e\\_ \\[f\\](g) \\@h \\~i\\~ \\&amp; \\#j \\!k',
    );
    expect(escapeMarkdown('one\ntwo')).toBe('one two');
  });

  it('sets text in a code span no backtick inside can close', () => {
    expect(code('a|b')).toBe('`a\\|b`');
    expect(code('x `y` z')).toBe('``x `y` z``');
    expect(code('`edge')).toBe('`` `edge ``');
  });
});
