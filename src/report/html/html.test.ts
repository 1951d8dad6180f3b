import { describe, expect, it } from 'vitest';
import { groupedPaths, samplePaths } from '../../../test/support/attack-paths.js';
import { catalog, sampleActivity, withActivity } from '../../../test/support/reports.js';
import { allDetections } from '../../detections/index.js';
import { scanManifests } from '../../engine/scan.js';
import type { Finding, Report } from '../../model/report.js';
import { renderJson } from '../json/report.js';
import { pairsOf } from '../paths/table.js';
import { activityMark, onPathMark } from '../statuses.js';
import { renderHtml, scriptJson, scriptJsonPieces } from './index.js';

const options = { width: 80, color: false, showSuppressed: false, all: false, catalog };
const render = (report: Report, showSuppressed = false) =>
  [...renderHtml(report, { ...options, showSuppressed })].join('');
/** The text of each `<script>` element, as the HTML parser delimits it: up to the first `</script`, any case. */
const scripts = (html: string) => [...html.matchAll(/<script[^>]*>([\s\S]*?)<\/script/gi)].map(([, text]) => text);

describe('renderHtml', () => {
  it('writes every < of the data as \\u003c, so that no input ends the script element', () => {
    const value = { name: '</script><img src=x onerror=alert(1)>', other: '<!-- <script>' };
    expect(scriptJson(value)).not.toContain('<');
    expect(JSON.parse(scriptJson(value))).toEqual(value);
  });

  it('writes the page data in pieces that join to the JSON of it, members left out as JSON.stringify leaves them', () => {
    const value = {
      a: undefined,
      b: { c: [1, undefined, '</script>'], d: undefined, e: {}, f: { g: { h: 1 } } },
      i: null,
      j: {},
      k: () => 0,
    };
    const pieces = [...scriptJsonPieces(value, 2)];
    expect(pieces.join('')).toBe(scriptJson(value));
    expect(pieces.length).toBeGreaterThan(5);
    expect([...scriptJsonPieces({}, 2)].join('')).toBe('{}');
  });

  it('embeds the report exactly, each finding once, in elements no input can close', async () => {
    const { report } = await scanManifests(['examples/shop']);
    const hostile = '</SCRIPT><img src=x onerror=alert(1)><!--';
    const [first, ...rest] = report.findings as [Finding, ...Finding[]];
    const findings = [
      { ...first, resource: { ...first.resource, name: hostile }, message: hostile, title: hostile },
      ...rest,
    ];
    const html = render({ ...report, findings });
    expect(html).not.toContain('<img');
    const [data, embedded, script] = scripts(html);
    expect(scripts(html)).toHaveLength(3);
    const parsed = JSON.parse(embedded ?? '');
    expect(parsed).toHaveLength(findings.length);
    expect(parsed[0]).toMatchObject({ message: hostile, resource: { name: hostile } });
    expect(parsed.map((finding: Finding) => finding.id)).toEqual(findings.map((finding) => finding.id));
    // Not what the page never reads: fixes (as JSON Patch) and missing mitigations (the panels' gaps come from the data).
    expect(findings.some((finding) => finding.fix) && findings.some((finding) => finding.mitigations.length)).toBe(
      true,
    );
    expect(parsed.filter((finding: Finding) => 'fix' in finding || 'mitigations' in finding)).toEqual([]);
    // The page's own script is ours alone, and the policy lets nothing else run or load.
    expect(script).not.toContain(hostile);
    const page = JSON.parse(data ?? '');
    // A check's title and remediation are written once, from its first finding.
    expect(page.checks[first.checkId].title).toBe(hostile);
    expect(page.techniques['MS-TA9016']).toMatchObject({ status: 'exposed' });
    // That a finding carries its fix is said by its position, not by a field on each finding.
    const fixable = findings.filter((finding) => finding.fix && !finding.suppressed).length;
    expect(page.autoFix).toEqual({
      findings: findings.flatMap((finding, index) => (finding.fix ? [index] : [])),
      command: 'kubematrix fix … --write',
      line: `Auto-fix for ${fixable} findings (marked auto-fix): kubematrix fix … --write.`,
    });
    expect(page.autoFix.findings.length).toBeGreaterThan(0);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
  });

  it('leaves suppressed findings out unless asked for them', async () => {
    const { report } = await scanManifests(['examples/shop']);
    const [first, ...rest] = report.findings as [Finding, ...Finding[]];
    const suppressed = { ...first, suppressed: { reason: 'accepted risk', by: 'config' as const } };
    const count = (html: string) => JSON.parse(scripts(html)[1] ?? '').length;
    expect(count(render({ ...report, findings: [suppressed, ...rest] }))).toBe(rest.length);
    expect(count(render({ ...report, findings: [suppressed, ...rest] }, true))).toBe(rest.length + 1);
  });

  it('keeps a report of 30,000 findings smaller than its JSON: the data is written once, not per technique', async () => {
    const { report } = await scanManifests(['examples/shop']);
    const findings = Array.from({ length: 30_000 }, (_, i) => {
      const finding = report.findings[i % report.findings.length] as Finding;
      return { ...finding, id: `${finding.id}-${i}`, resource: { ...finding.resource, name: `w${i}` } };
    });
    const big = { ...report, findings };
    const pieces = [...renderHtml(big, options)];
    const size = pieces.reduce((sum, piece) => sum + piece.length, 0);
    expect(size).toBeLessThan([...renderJson(big)].join('').length);
    // Written in pieces, as the JSON is: no one string holds the whole page.
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThan(size / 10);
  });

  it("embeds the attack paths ranked, their nodes and choke points, and each technique's path count, as data", async () => {
    const hostile = '</script><img src=x onerror=alert(1)>';
    const nodes = samplePaths.nodes.map((node) =>
      node.id === 'identity:user:alice' ? { ...node, label: hostile } : node,
    );
    const shuffled = { ...samplePaths, nodes, paths: [...samplePaths.paths].reverse() };
    const { report } = await scanManifests(['examples/shop'], { paths: () => shuffled });
    const html = render(report);
    expect(html).not.toContain('<img');
    const page = JSON.parse(scripts(html)[0] ?? '');
    expect(page.attackPaths.paths.map((path: { steps: unknown[] }) => path.steps.length)).toEqual([
      2, 2, 2, 2, 2, 2, 3,
    ]);
    expect(page.attackPaths.paths[0].severity).toBe('critical');
    expect(page.attackPaths.chokePoints).toEqual(samplePaths.chokePoints);
    expect(page.attackPaths.nodes.find((node: { id: string }) => node.id === 'identity:user:alice').label).toBe(
      hostile,
    );
    expect(page.techniques['MS-TA9019'].onPaths).toBe(3);
    expect(page.techniques['MS-TA9039'].onPaths).toBe(0);
  });

  it('embeds how many entry point → target pairs the paths hold, counting each entry point of a grouped path', async () => {
    const grouped = groupedPaths(['User bob', 'User carol']);
    const { report } = await scanManifests(['examples/shop'], { paths: () => grouped });
    const page = JSON.parse(scripts(render(report))[0] ?? '');
    // Seven paths, two of them (alice's) each standing for two more users.
    expect(page.attackPaths.pairs).toBe(11);
    expect(page.attackPaths.pairs).toBe(pairsOf(grouped.paths));
    const alice = page.attackPaths.paths.filter((path: { from: string }) => path.from === 'identity:user:alice');
    expect(alice.map((path: { alsoFrom: string[] }) => path.alsoFrom)).toEqual([
      ['identity:user:u1', 'identity:user:u2'],
      ['identity:user:u1', 'identity:user:u2'],
    ]);
  });

  it("embeds each technique's audit activity, the titles of the rules that raised it, and the text formats' marks", async () => {
    const { report } = await scanManifests(['examples/shop'], { paths: false });
    const html = render(withActivity(report));
    expect(html).not.toContain('<img');
    const page = JSON.parse(scripts(html)[0] ?? '');
    expect(page.techniques['MS-TA9006'].activity).toEqual(sampleActivity['MS-TA9006']);
    expect(page.techniques['MS-TA9016'].activity).toBeUndefined();
    // Only the rules named, by their own titles; an id no rule has is named as it is.
    expect(page.detections).toEqual({ 'pod-exec': { title: allDetections.find((d) => d.id === 'pod-exec')?.title } });
    expect(page.marks).toEqual({ onPath: onPathMark, activity: activityMark });
    expect(JSON.parse(scripts(render(report))[0] ?? '').detections).toEqual({});
  });

  it('embeds no attack paths for a scan without them', async () => {
    const { report } = await scanManifests(['examples/shop'], { paths: false });
    const page = JSON.parse(scripts(render(report))[0] ?? '');
    expect(page.attackPaths).toBeUndefined();
  });
});
