import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scanManifests } from '../../src/engine/scan.js';
import { Report } from '../../src/model/report.js';
import { reportFormat } from '../../src/report/index.js';
import { activityMark } from '../../src/report/statuses.js';
import { cli } from '../cli/run.js';
import { chromiumPath, describeBrowser } from '../paths.js';
import { groupedPaths, samplePaths } from '../support/attack-paths.js';
import { catalog, sampleActivity, withActivity } from '../support/reports.js';

/** Where the test leaves its screenshot of the example's report (docs/html-report.png is a copy of one). */
export const screenshotPath = path.join(tmpdir(), 'kubematrix-html-report.png');

const hostile = '</script><img src=x onerror=alert(1)>';
// A privileged pod whose name, namespace and container try to become markup, and a file name that does too.
const hostileManifest = `apiVersion: v1
kind: Pod
metadata:
  name: "p${hostile}"
  namespace: "ns<script>alert(2)</script>"
spec:
  containers:
    - name: "c<img src=y onerror=alert(3)>"
      image: registry.example/app:1.0
      securityContext:
        privileged: true
`;

async function scan(args: string[]): Promise<{ report: Report; html: string }> {
  const [json, html] = await Promise.all([cli([...args, '-o', 'json']), cli([...args, '-o', 'html'])]);
  expect(html.status).toBe(0);
  return { report: Report.parse(JSON.parse(json.stdout)), html: html.stdout };
}

/** A page opened from a file:// URL, with every request, console error and uncaught exception recorded. */
async function open(browser: Browser, html: string) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'kubematrix-html-')), 'report.html');
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  return { page, url, requests, errors };
}

// A browser starts in a second or two alone, and takes longer beside the rest of the suite running in parallel.
const LAUNCH = 60_000;
const STEPS = 30_000;

const options = { width: 80, color: false, showSuppressed: false, all: false, catalog };
const cell = (page: Page, id: string) => page.locator(`button.cell[data-technique="${id}"]`).first();
const shown = (page: Page) => page.locator('#shown').textContent();

describeBrowser('html report in Chromium', () => {
  let browser: Browser;
  let example: { report: Report; html: string };
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    example = await scan(['scan', 'examples/shop']);
  }, LAUNCH);
  afterAll(async () => browser?.close());

  it(
    'draws the example with no request but the file itself and no console error, and a screenshot',
    async () => {
      const { page, url, requests, errors } = await open(browser, example.html);
      expect(await page.locator('button.cell').count()).toBeGreaterThanOrEqual(40);
      expect(await shown(page)).toBe(
        `Showing ${example.report.findings.length} of ${example.report.findings.length} findings`,
      );
      await cell(page, 'MS-TA9016').click();
      await page.screenshot({ path: screenshotPath });
      const png = readFileSync(screenshotPath);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(statSync(screenshotPath).size).toBeGreaterThan(50_000);
      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
    },
    STEPS,
  );

  it(
    'marks the findings that carry their fix, says how many there are and what makes them',
    async () => {
      const { page } = await open(browser, example.html);
      const fixable = example.report.findings.filter((finding) => finding.fix && !finding.suppressed);
      expect(fixable.length).toBeGreaterThan(0);
      expect(await page.locator('#autofix').textContent()).toBe(
        `Auto-fix for ${fixable.length} findings (marked auto-fix): kubematrix fix … --write.`,
      );
      // In the example every finding of these checks carries its fix, and no other finding does.
      const fixableChecks = new Set(fixable.map((finding) => finding.checkId));
      expect(example.report.findings.filter((f) => fixableChecks.has(f.checkId)).every((f) => f.fix)).toBe(true);
      await cell(page, 'MS-TA9018').click();
      const items = page.locator('#panel .finding');
      const count = await items.count();
      let marked = 0;
      for (let index = 0; index < count; index++) {
        const item = items.nth(index);
        const checkId = ((await item.locator('.check').textContent()) ?? '').trim();
        const autofix = (await item.locator('.autofix').count()) > 0;
        expect(autofix, checkId).toBe(fixableChecks.has(checkId));
        if (autofix) marked++;
      }
      expect(marked).toBeGreaterThan(0);
      expect(await items.locator('.autofix').first().getAttribute('title')).toBe('kubematrix fix … --write');
    },
    STEPS,
  );

  it(
    'shows a technique’s status, findings, mitigations and what to do when its cell is clicked',
    async () => {
      const { page } = await open(browser, example.html);
      const id = 'MS-TA9016';
      const expected = example.report.findings.filter((f) => f.techniques.includes(id));
      const status = example.report.techniques.find((t) => t.id === id);
      expect(status?.status).toBe('exposed');
      expect(await page.locator('#panel .finding').count()).toBe(0);

      await cell(page, id).focus();
      await page.keyboard.press('Enter');
      expect(await cell(page, id).getAttribute('aria-pressed')).toBe('true');
      expect(await page.locator('#panel-title').textContent()).toContain(id);
      expect(await page.locator('#panel-status').textContent()).toContain('Exposed');
      const items = page.locator('#panel .findings.exposing > .finding');
      expect(await items.count()).toBe(expected.length);
      const first = expected[0];
      const firstText = await items.first().textContent();
      for (const text of [
        first?.message,
        first?.resource.name,
        first?.path,
        `${first?.location?.file}:${first?.location?.line}`,
      ]) {
        expect(firstText).toContain(text);
      }
      const panel = await page.locator('#panel').textContent();
      expect(panel).toContain('MS-M9025'); // a mitigation from the knowledge base
      expect(panel).toContain(`kubematrix explain ${id}`);

      await page.keyboard.press('Escape');
      expect(await page.locator('#panel .finding').count()).toBe(0);
    },
    STEPS,
  );

  it(
    'filters by severity, namespace and status',
    async () => {
      const { page, errors } = await open(browser, example.html);
      const all = example.report.findings;
      const id = 'MS-TA9016';
      await cell(page, id).click();
      const exposing = page.locator('#panel .findings.exposing > .finding');

      await page.locator('input[name="severity"][value="critical"]').uncheck();
      const noCritical = all.filter((f) => f.severity !== 'critical');
      expect(await shown(page)).toBe(`Showing ${noCritical.length} of ${all.length} findings`);
      expect(await exposing.count()).toBe(noCritical.filter((f) => f.techniques.includes(id)).length);
      await page.locator('input[name="severity"][value="critical"]').check();

      const inLogging = all.filter((f) => f.resource.namespace === 'logging');
      expect(inLogging.length).toBeGreaterThan(0);
      expect(inLogging.length).toBeLessThan(all.length);
      await page.locator('#namespace').selectOption('logging');
      expect(await shown(page)).toBe(`Showing ${inLogging.length} of ${all.length} findings`);
      expect(await exposing.count()).toBe(inLogging.filter((f) => f.techniques.includes(id)).length);
      await page.locator('#namespace').selectOption('*');

      const notObserved = example.report.techniques.find((t) => t.status === 'not-observed');
      expect(await cell(page, id).getAttribute('class')).not.toContain('out');
      await page.locator('input[name="status"][value="exposed"]').uncheck();
      expect(await cell(page, id).getAttribute('class')).toContain('out');
      expect(await cell(page, notObserved?.id ?? '').getAttribute('class')).not.toContain('out');
      expect(errors).toEqual([]);
    },
    STEPS,
  );

  it(
    'prints every finding the filters show',
    async () => {
      const { page } = await open(browser, example.html);
      await page.emulateMedia({ media: 'print' });
      await page.locator('#print-list .finding').first().waitFor();
      expect(await page.locator('#print-list .finding').count()).toBe(example.report.findings.length);
      expect(await page.locator('.filters').isVisible()).toBe(false);
    },
    STEPS,
  );

  it(
    'names a cluster source by its context and a cluster finding by its k8s:// address',
    async () => {
      const source: Report['source'] = {
        type: 'cluster',
        context: 'prod-eu',
        server: 'https://10.0.0.1:6443',
        serverVersion: 'v1.33.1',
        collectedAt: '2026-01-02T03:04:05Z',
        namespaces: { only: null, excluded: [] },
        objects: 13,
        kinds: [],
        unavailable: [{ kind: 'Secret', resource: 'secrets', reason: 'forbidden (403)' }],
        complete: true,
      };
      const findings = example.report.findings.map(({ location, ...finding }) => ({
        ...finding,
        uri: `k8s://prod-eu/${finding.resource.namespace ?? ''}/${finding.resource.kind}/${finding.resource.name}`,
      }));
      const render = await reportFormat('html')?.load();
      const html = [...(render?.({ ...example.report, source, findings }, options) ?? [])].join('');
      const { page, errors } = await open(browser, html);
      expect(await page.locator('#source').textContent()).toContain('Cluster context prod-eu');
      expect(await page.locator('header').textContent()).toContain('could not list Secret: forbidden (403)');
      await cell(page, 'MS-TA9018').click();
      expect(await page.locator('#panel .finding .where').first().textContent()).toMatch(/^k8s:\/\/prod-eu\//);
      expect(errors).toEqual([]);
    },
    STEPS,
  );

  it(
    'shows statuses and mitigation states it does not know of yet, neutrally, and those it knows in their colours',
    async () => {
      const techniques = example.report.techniques.map((t) =>
        t.id === 'MS-TA9029'
          ? {
              ...t,
              status: 'mitigated',
              mitigations: { present: [{ id: 'MS-M9025', by: 'observed', evidence: ['e1'] }], missing: [] },
            }
          : t.id === 'MS-TA9031'
            ? { ...t, status: 'frobnicated' }
            : t,
      );
      const render = await reportFormat('html')?.load();
      const html = [...(render?.({ ...example.report, techniques } as Report, options) ?? [])].join('');
      const { page, errors } = await open(browser, html);
      expect(await cell(page, 'MS-TA9029').getAttribute('class')).toContain('s-mitigated');
      expect(await cell(page, 'MS-TA9031').getAttribute('class')).toContain('s-other');
      expect(await page.locator('.legend').textContent()).toContain('frobnicated');
      await cell(page, 'MS-TA9029').click();
      expect(await page.locator('#panel-status').textContent()).toContain('Mitigated');
      const mitigation = page.locator('#panel .mitigation', { hasText: 'MS-M9025' });
      expect(await mitigation.textContent()).toMatch(/present \(observed\).*e1/);
      await cell(page, 'MS-TA9031').click();
      expect(await page.locator('#panel-status').textContent()).toContain('frobnicated');
      expect(errors).toEqual([]);
    },
    STEPS,
  );

  it(
    'shows hostile input as text: no element, script or request comes from it',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-html-hostile-'));
      writeFileSync(path.join(dir, `pod<img src=z onerror=alert(4)>.yaml`), hostileManifest);
      const { report, html } = await scan(['scan', dir]);
      const finding = report.findings.find((f) => f.checkId === 'privileged-container');
      expect(finding?.resource.name).toBe(`p${hostile}`);

      const { page, url, requests, errors } = await open(browser, html);
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => dialogs.push(dialog.message()));
      await cell(page, 'MS-TA9018').click();
      const panel = page.locator('#panel');
      const text = await panel.textContent();
      for (const value of [
        finding?.resource.name,
        finding?.resource.namespace,
        finding?.message,
        finding?.location?.file,
      ]) {
        expect(text).toContain(value);
      }
      await page.locator('#namespace').selectOption(finding?.resource.namespace ?? '');
      expect(await page.locator('img').count()).toBe(0);
      // The page's own two data elements and its script, nothing else.
      expect(await page.locator('script').count()).toBe(3);
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
    },
    STEPS,
  );

  it(
    'draws a picked attack path on the matrix: its steps numbered in order, the rest faded, the steps in the panel',
    async () => {
      // Alice's name tries to become markup: the path list and panel show it as text.
      const nodes = samplePaths.nodes.map((node) =>
        node.id === 'identity:user:alice' ? { ...node, label: `User ${hostile}` } : node,
      );
      const { report } = await scanManifests(['examples/shop'], { paths: () => ({ ...samplePaths, nodes }) });
      const render = await reportFormat('html')?.load();
      const { page, url, requests, errors } = await open(browser, [...(render?.(report, options) ?? [])].join(''));
      const steps = (id: string) => cell(page, id).getAttribute('data-steps');
      const onStep = page.locator('button.cell.on-step');
      const paths = page.locator('button.path');
      expect(await paths.count()).toBe(samplePaths.paths.length);
      expect(await page.locator('#paths .choke').count()).toBe(samplePaths.chokePoints.length);
      expect(await page.locator('#paths').textContent()).toContain(`User ${hostile}`);
      expect(await cell(page, 'MS-TA9019').locator('.onpath').count()).toBe(1);
      expect(await cell(page, 'MS-TA9039').locator('.onpath').count()).toBe(0);
      expect(await onStep.count()).toBe(0);

      // Ranked last, the longest: web → any node → the operator's token → cluster-admin.
      const longest = paths.last();
      expect(await longest.textContent()).toContain(
        'Deployment shop/web → any node → ServiceAccount shop/shop-operator → cluster-admin equivalent',
      );
      await longest.click();
      expect(await longest.getAttribute('aria-pressed')).toBe('true');
      expect(await steps('MS-TA9018')).toBe('1');
      expect(await steps('MS-TA9016')).toBe('2');
      expect(await steps('MS-TA9019')).toBe('3');
      expect(await cell(page, 'MS-TA9019').locator('.steps').textContent()).toBe('3');
      // Container service account sits in three tactics' columns: each of its cells is numbered.
      expect(await page.locator('button.cell.on-step[data-technique="MS-TA9016"]').count()).toBe(3);
      expect(await onStep.count()).toBe(5);
      expect(await cell(page, 'MS-TA9039').getAttribute('class')).toContain('off-path');
      expect(await page.locator('#panel-title').textContent()).toBe('Attack path #7');
      const items = page.locator('#panel .step');
      expect(await items.count()).toBe(3);
      expect(await items.nth(0).textContent()).toContain('deploy/web.yaml:24:21');
      expect(await items.nth(2).textContent()).toContain(
        'ClusterRoleBinding shop-operator binds ClusterRole cluster-admin cluster-wide',
      );

      // Another path replaces it: web → any node → its root escapes twice through the privileged container.
      await paths.first().click();
      expect(await longest.getAttribute('aria-pressed')).toBe('false');
      expect(await steps('MS-TA9019')).toBeNull();
      expect(await steps('MS-TA9018')).toBe('1 2');
      expect(await onStep.count()).toBe(1);
      // A technique picked meanwhile shows in the panel; Escape closes it, then the path.
      await cell(page, 'MS-TA9018').click();
      expect(await page.locator('#panel-title').textContent()).toContain('MS-TA9018');
      expect(await steps('MS-TA9018')).toBe('1 2');
      await page.keyboard.press('Escape');
      expect(await page.locator('#panel-title').textContent()).toBe('Attack path #1');
      await page.keyboard.press('Escape');
      expect(await onStep.count()).toBe(0);
      expect(await page.locator('button.cell.off-path').count()).toBe(0);
      expect(await page.locator('img').count()).toBe(0);
      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
    },
    STEPS,
  );

  it(
    'marks the techniques the audit log showed happening, names the rules in their panel, and filters to them',
    async () => {
      // The example's scan has no audit log: no mark, no legend entry, no filter.
      const plain = await open(browser, example.html);
      expect(await plain.page.locator('button.cell .activity').count()).toBe(0);
      expect(await plain.page.locator('.legend').textContent()).not.toContain(activityMark.meaning);
      expect(await plain.page.locator('input[name="activity"]').count()).toBe(0);

      const render = await reportFormat('html')?.load();
      const html = [...(render?.(withActivity(example.report), options) ?? [])].join('');
      const { page, url, requests, errors } = await open(browser, html);
      const id = 'MS-TA9006';
      // Exec into container sits in one tactic's column: its cell alone carries the mark.
      expect(await page.locator('button.cell .activity').count()).toBe(1);
      expect(await cell(page, id).locator('.activity').textContent()).toBe(activityMark.mark);
      expect(await cell(page, id).getAttribute('aria-label')).toContain('4 audit alerts (worst high)');
      expect(await page.locator('.legend').textContent()).toContain(`${activityMark.mark} ${activityMark.meaning}`);
      expect(await page.locator('#activity').textContent()).toContain('Audit log: 4 alerts on 1 technique');

      await cell(page, id).click();
      const activity = page.locator('#panel-activity');
      expect(await activity.textContent()).toContain('Audit log: 4 alerts');
      expect(await activity.locator('.sev').textContent()).toBe('high');
      const rules = activity.locator('.rule');
      expect(await rules.count()).toBe(2);
      expect(await rules.nth(0).textContent()).toBe('pod-exec Exec or attach into a container — 3 alerts');
      // A rule id holding markup is named as it is, as text.
      expect(await rules.nth(1).textContent()).toBe(`${sampleActivity[id]?.rules[1]?.id} — 1 alert`);
      expect(await page.locator('img').count()).toBe(0);
      // A technique without activity has no such section.
      await cell(page, 'MS-TA9016').click();
      expect(await page.locator('#panel-activity').count()).toBe(0);

      await page.locator('input[name="activity"]').check();
      expect(await cell(page, id).getAttribute('class')).not.toContain('out');
      expect(await cell(page, 'MS-TA9016').getAttribute('class')).toContain('out');
      await page.locator('input[name="activity"]').uncheck();
      expect(await cell(page, 'MS-TA9016').getAttribute('class')).not.toContain('out');
      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
    },
    STEPS,
  );

  it(
    'names a grouped path’s other entry points, and counts what a choke point removes out of every entry point → target pair',
    async () => {
      // The last fix left out: the pair it removes rests on no fix listed.
      const graph = groupedPaths(['User bob', `User ${hostile}`]);
      const { report } = await scanManifests(['examples/shop'], {
        paths: () => ({ ...graph, chokePoints: graph.chokePoints.slice(0, -1) }),
      });
      const render = await reportFormat('html')?.load();
      const { page, url, requests, errors } = await open(browser, [...(render?.(report, options) ?? [])].join(''));
      // Seven paths; alice's two stand for bob and the hostile user too: eleven pairs.
      expect(await page.locator('#paths h2').textContent()).toContain('7 paths (11 entry point → target pairs) reach');
      const chokes = page.locator('#paths .choke');
      expect(await chokes.nth(0).textContent()).toContain('removes 9 of 11 entry point → target pairs:');
      expect(await chokes.nth(1).textContent()).toContain('removes 1 of 11 entry point → target pairs:');
      expect(await page.locator('#paths .uncut').textContent()).toBe(
        '1 entry point → target pair rests on no single finding or binding to fix',
      );

      const grouped = page.locator('button.path', { hasText: 'User alice' });
      expect(await grouped.count()).toBe(2);
      expect(await grouped.first().textContent()).toContain('also from 2 other entry points');
      expect(await page.locator('button.path', { hasText: 'Deployment shop/web' }).first().textContent()).not.toContain(
        'also from',
      );
      await grouped.first().click();
      const others = page.locator('#panel .also-from li');
      expect(await others.allTextContents()).toEqual(['User bob', `User ${hostile}`]);
      expect(await page.locator('#panel .also-from').textContent()).toContain('Also from 2 other entry points');
      expect(await page.locator('img').count()).toBe(0);
      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
    },
    STEPS,
  );

  it(
    'switches between the matrix before and after the fix files, as kubematrix fix -o html writes them',
    async () => {
      const { stdout, status } = await cli([
        'fix',
        'test/fixtures/fix/pod-security.yaml',
        '--only',
        'MS-M9017',
        '-o',
        'html',
      ]);
      expect(status).toBe(0);
      const { page, url, requests, errors } = await open(browser, stdout);
      const views = page.locator('.views button');
      expect(await views.allTextContents()).toEqual(['Before the fix', 'After the fix files']);
      expect(await views.first().getAttribute('aria-pressed')).toBe('true');
      expect(await cell(page, 'MS-TA9018').getAttribute('class')).toContain('s-weakened');
      await cell(page, 'MS-TA9018').click();
      expect(await page.locator('#panel-status').textContent()).toContain('Weakened');

      await views.nth(1).click();
      expect(await page.locator('.views button[aria-pressed="true"]').textContent()).toBe('After the fix files');
      expect(await page.locator('h1').textContent()).toContain('after the fix files');
      expect(await cell(page, 'MS-TA9018').getAttribute('class')).toContain('s-mitigated');
      // One page at a time: the earlier view's matrix and listeners are gone.
      expect(await page.locator('.views').count()).toBe(1);
      expect(await page.locator('button.cell[data-technique="MS-TA9018"]').count()).toBe(1);
      await cell(page, 'MS-TA9018').click();
      expect(await page.locator('#panel-status').textContent()).toContain('Mitigated');
      await page.keyboard.press('Escape');
      expect(await page.locator('#panel .finding').count()).toBe(0);

      await page.locator('.views button', { hasText: 'Before' }).click();
      expect(await cell(page, 'MS-TA9018').getAttribute('class')).toContain('s-weakened');
      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
    },
    STEPS,
  );

  it(
    'draws no switch for a report alone',
    async () => {
      const { page } = await open(browser, example.html);
      expect(await page.locator('.views').count()).toBe(0);
    },
    STEPS,
  );
});
