import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/index.js';
import { scanManifests } from '../../src/engine/scan.js';
import { type Report, severityRank } from '../../src/model/report.js';
import { renderSarif, SARIF_LIMITS } from '../../src/report/sarif/index.js';
import { catalog } from '../support/reports.js';

/**
 * GitHub code scanning rejects a SARIF upload with more than 25,000 results in a run, 1,000 locations on a result,
 * 20 tags on a rule, or over 10 MB gzipped. A corpus of 10,000 resources, generated here in the shape of
 * scripts/bench.mjs (loosely hardened Deployments, their Services and ServiceAccounts), has far more findings.
 */

const RESOURCES = 10_000;

function deployment(n: number): string {
  const hardened = n % 3 === 0;
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${n}, namespace: team-${n % 40}, labels: {app: app-${n}}}
spec:
  selector: {matchLabels: {app: app-${n}}}
  template:
    metadata: {labels: {app: app-${n}}}
    spec:
      serviceAccountName: sa-${n % 100}
      containers:
      - name: main
        image: registry.example.com/team-${n % 40}/app:${n % 13}.0.1
${hardened ? '        securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false}\n' : ''}${!hardened && n % 97 === 0 ? '        securityContext: {privileged: true}\n' : ''}      - name: proxy
        image: registry.example.com/platform/envoy:1.30.2
`;
}
const service = (n: number) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: svc-${n}, namespace: team-${n % 40}}\nspec:\n  type: ${n % 10 === 0 ? 'LoadBalancer' : 'ClusterIP'}\n  selector: {app: app-${n - 1}}\n  ports: [{port: 80}]\n`;
const serviceAccount = (n: number) =>
  `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa-${n % 100}-${n}, namespace: team-${n % 40}}\n`;

let dir: string;
let report: Report;
let sarif: {
  runs: {
    tool: { driver: { rules: { id: string; properties: { tags: string[] } }[] } };
    results: {
      level: string;
      properties: { severity: Report['findings'][number]['severity'] };
      locations: unknown[];
      relatedLocations?: unknown[];
    }[];
    invocations: {
      toolExecutionNotifications: {
        level: string;
        message: { text: string };
        properties?: { resultsLeftOut: number };
      }[];
    }[];
  }[];
};
let text: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-sarif-limits-'));
  // Ten resources a file, as the bench writes them: six Deployments, two Services, two ServiceAccounts.
  const kinds = [
    deployment,
    service,
    deployment,
    deployment,
    serviceAccount,
    deployment,
    service,
    deployment,
    deployment,
    serviceAccount,
  ];
  for (let file = 0; file < RESOURCES / kinds.length; file++) {
    const docs = kinds.map((make, index) => make(file * kinds.length + index));
    writeFileSync(path.join(dir, `app-${String(file).padStart(4, '0')}.yaml`), docs.join('---\n'));
  }
  ({ report } = await scanManifests([dir], { paths: false }));
  text = [...renderSarif(report, { cwd: dir, catalog })].join('');
  sarif = JSON.parse(text);
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SARIF of a 10,000-resource scan', () => {
  it('has more findings than a run may hold, to begin with', () => {
    expect([report.source.objects, report.errors]).toEqual([RESOURCES, []]);
    expect(report.findings.length).toBeGreaterThan(SARIF_LIMITS.results);
  });

  it('keeps the most severe results within GitHub’s limit, and says how many it left out and where they are', () => {
    const [run] = sarif.runs;
    const results = run?.results ?? [];
    expect(results).toHaveLength(SARIF_LIMITS.results);
    const left = report.findings.length - SARIF_LIMITS.results;
    const note = run?.invocations[0]?.toolExecutionNotifications.find((n) => n.properties?.resultsLeftOut);
    expect(note?.properties?.resultsLeftOut).toBe(left);
    expect(note?.message.text).toMatch(
      new RegExp(
        `^${left} lower-severity results left out \\(.+\\): GitHub code scanning accepts at most 25000 results per run.* The JSON report \\(kubematrix scan --output json\\) has every finding\\.$`,
      ),
    );
    // Nothing left out is worse than anything kept; every critical and high finding is there.
    const worstLeft = Math.min(
      ...report.findings
        .map((f) => severityRank(f.severity))
        .sort((a, b) => a - b)
        .slice(SARIF_LIMITS.results),
    );
    expect(Math.max(...results.map((r) => severityRank(r.properties.severity)))).toBeLessThanOrEqual(worstLeft);
    const severe = report.findings.filter((f) => f.severity === 'critical' || f.severity === 'high').length;
    expect(results.filter((r) => r.level === 'error')).toHaveLength(severe);
  });

  it('has no result with more than 1,000 locations, no rule with more than 20 tags, and stays under 10 MB gzipped', () => {
    const [run] = sarif.runs;
    for (const result of run?.results ?? []) {
      expect(result.locations.length + (result.relatedLocations?.length ?? 0)).toBeLessThanOrEqual(
        SARIF_LIMITS.locations,
      );
    }
    const rules = run?.tool.driver.rules ?? [];
    expect(rules).toHaveLength(allChecks.length);
    expect(rules.filter((rule) => rule.properties.tags.length > SARIF_LIMITS.tags).map((rule) => rule.id)).toEqual([]);
    // The most useful tags first: security, then the techniques, then the tactics.
    for (const rule of rules) {
      const [first, ...rest] = rule.properties.tags;
      expect(first).toBe('security');
      const lastTechnique = rest.findLastIndex((tag) => /^MS-TA9\d{3}$/.test(tag));
      expect(rest.slice(0, lastTechnique + 1).every((tag) => /^MS-TA9\d{3}$/.test(tag))).toBe(true);
    }
    expect(gzipSync(text).length).toBeLessThan(10 * 1024 * 1024);
  });
});
