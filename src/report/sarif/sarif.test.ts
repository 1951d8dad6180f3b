import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../../test/paths.js';
import { catalog, clusterReport, smallReport } from '../../../test/support/reports.js';
import { defineCheck } from '../../checks/define.js';
import { allChecks } from '../../checks/index.js';
import { scanManifests } from '../../engine/scan.js';
import { techniques } from '../../matrix/index.js';
import type { Finding, Report } from '../../model/report.js';
import { applyOperations } from '../../util/yaml-edit.js';
import { renderSarif, SARIF_LIMITS } from './index.js';

// The SARIF 2.1.0 schema as published (2.1.0-rtm.5, the final text, written in JSON Schema draft-04).
const schema = createRequire(import.meta.url)('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as object;
// Not in unicode mode: the schema's pattern for `language` has a stray `]`, an error only there.
// Both are CommonJS modules whose class and function are their `default` export.
const ajv = new ajvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

interface Sarif {
  runs: [
    {
      tool: { driver: { rules: { id: string; properties: { tags: string[]; 'security-severity': string } }[] } };
      results: {
        ruleId: string;
        ruleIndex: number;
        level: string;
        message: { text: string };
        locations: {
          physicalLocation?: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } };
          logicalLocations?: { fullyQualifiedName: string; kind: string }[];
        }[];
        relatedLocations?: { physicalLocation: { artifactLocation: { uri: string } }; message: { text: string } }[];
        suppressions?: { kind: string; justification: string }[];
        fixes?: {
          artifactChanges: {
            artifactLocation: { uri: string };
            replacements: {
              deletedRegion: { startLine: number; startColumn: number; endLine: number; endColumn: number };
              insertedContent: { text: string };
            }[];
          }[];
        }[];
        partialFingerprints: Record<string, string>;
      }[];
      invocations: [{ toolExecutionNotifications: { level: string; message: { text: string } }[] }];
    },
  ];
}

function sarif(report: Report, cwd = repoRoot): Sarif {
  const log: unknown = JSON.parse([...renderSarif(report, { cwd, catalog })].join(''));
  // Every error the schema finds, with where it is: a failure says what to fix.
  expect(validate(log) ? [] : validate.errors).toEqual([]);
  return log as Sarif;
}

describe('renderSarif', () => {
  it('writes valid SARIF for the bundled example: one rule per check, a result per finding at its field', async () => {
    const { report } = await scanManifests(['examples/shop'], { cwd: repoRoot });
    const [run] = sarif(report).runs;
    expect(run.tool.driver.rules.map((rule) => rule.id)).toEqual(allChecks.map((check) => check.id));
    expect(run.results).toHaveLength(report.findings.length);
    for (const [index, result] of run.results.entries()) {
      const finding = report.findings[index];
      expect(run.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
      expect(result.partialFingerprints).toEqual({ 'kubematrixFindingId/v1': finding?.id });
      expect(result.locations[0]?.physicalLocation?.artifactLocation).toEqual({
        uri: finding?.location?.file,
        uriBaseId: '%SRCROOT%',
      });
      expect(result.locations[0]?.physicalLocation?.region.startLine).toBe(finding?.location?.line);
    }
    const privileged = run.results.find((result) => result.ruleId === 'privileged-container');
    expect(privileged).toMatchObject({
      level: 'error',
      message: { text: "CronJob/shop/nightly-backup: container 'backup' is privileged: it can take over the node" },
    });
  });

  it('carries no attack path: a scan that builds none, as `scan` writing only SARIF does, gives the same log', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const { report } = await scanManifests(['examples/shop'], { cwd: repoRoot, now });
    expect(report.attackPaths?.paths.length).toBeGreaterThan(0);
    const { report: pathless } = await scanManifests(['examples/shop'], { cwd: repoRoot, now, paths: false });
    expect(pathless.attackPaths).toBeUndefined();
    const render = (scanned: Report) => [...renderSarif(scanned, { cwd: repoRoot, catalog })].join('');
    expect(render(pathless)).toBe(render(report));
  });

  it('tags each rule with its techniques and tactics, and scores it on the code-scanning scale', () => {
    const { rules } = sarif(emptyReport()).runs[0].tool.driver;
    expect(rules.find((rule) => rule.id === 'privileged-container')?.properties).toEqual({
      tags: ['security', 'MS-TA9018', 'Privilege Escalation'],
      'security-severity': '9.5',
      precision: 'high',
    });
    // A hardening check exposes nothing itself: it is tagged with what its missing mitigation would block.
    expect(rules.find((rule) => rule.id === 'metadata-egress')?.properties.tags).toContain('MS-TA9033');
    const severity = (id: string) => rules.find((rule) => rule.id === id)?.properties['security-severity'];
    expect([severity('host-network'), severity('image-tag'), severity('run-as-non-root')]).toEqual([
      '8.0',
      '5.5',
      '3.0',
    ]);
  });

  it('takes its rules from the catalog it is given: a custom rule bearing on every technique keeps to 20 tags', () => {
    const custom = defineCheck({
      id: 'everything',
      title: 'A rule about everything',
      severity: 'medium',
      exposes: techniques.map((technique) => technique.id),
      missing: [],
      description: 'd',
      rationale: 'r',
      remediation: 'f',
      run: () => {},
    });
    const log: unknown = JSON.parse(
      [...renderSarif(emptyReport(), { cwd: repoRoot, catalog: { ...catalog, checks: [custom] } })].join(''),
    );
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    const { rules } = (log as Sarif).runs[0].tool.driver;
    expect(rules.map((rule) => rule.id)).toEqual(['everything']);
    expect(rules[0]?.properties.tags).toHaveLength(SARIF_LIMITS.tags);
  });

  it('writes paths relative to the working directory with forward slashes, URI-encoded', async () => {
    const report = await smallReport();
    const absolute: Report = {
      ...report,
      findings: report.findings.map((finding) =>
        finding.location
          ? { ...finding, location: { ...finding.location, file: path.join(repoRoot, finding.location.file) } }
          : finding,
      ),
    };
    const uris = (log: Sarif) =>
      log.runs[0].results.map((result) => result.locations[0]?.physicalLocation?.artifactLocation.uri);
    expect(uris(sarif(absolute))).toEqual(uris(sarif(report)));
    expect(uris(sarif(report))).toContain('test/fixtures/reports/team%20a/rbac.yaml');
    // Outside the working directory, the file's own URI.
    expect(uris(sarif(absolute, path.join(repoRoot, 'src')))[0]).toMatch(/^file:\/\/\/.*\/test\/fixtures\/reports\//);
  });

  it('keeps suppressed findings as suppressed results, evidence as related locations, input errors as notifications', async () => {
    const [run] = sarif(await smallReport()).runs;
    const suppressed = run.results.filter((result) => result.suppressions);
    expect(suppressed.map((result) => [result.ruleId, result.suppressions])).toEqual([
      ['run-as-non-root', [{ kind: 'inSource', status: 'accepted', justification: 'USER 1000 in the image' }]],
    ]);
    // A config entry lives outside the manifest; standard input has no file to point at.
    const report = await smallReport();
    const [first] = report.findings as [Finding];
    const [configured] = sarif({
      ...report,
      findings: [
        {
          ...first,
          location: first.location && { ...first.location, file: '-' },
          suppressed: { reason: 'accepted risk', expires: '2027-01-31', by: 'config' },
        },
      ],
    }).runs[0].results;
    expect(configured?.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'accepted risk (until 2027-01-31)' },
    ]);
    expect(configured?.locations).toEqual([
      {
        logicalLocations: [{ name: 'deployer', fullyQualifiedName: 'ServiceAccount/demo/deployer', kind: 'resource' }],
      },
    ]);
    const admin = run.results.find((result) => result.ruleId === 'rbac-cluster-admin');
    expect(admin?.relatedLocations).toEqual([
      {
        id: 0,
        physicalLocation: {
          artifactLocation: { uri: 'test/fixtures/reports/team%20a/rbac.yaml', uriBaseId: '%SRCROOT%' },
          region: expect.objectContaining({ startLine: 11, startColumn: 1 }),
        },
        message: { text: 'ClusterRoleBinding deployer-admin binds ClusterRole cluster-admin cluster-wide' },
      },
    ]);
    expect(run.invocations[0].toolExecutionNotifications).toEqual([
      expect.objectContaining({
        level: 'error',
        message: { text: expect.stringMatching(/^test\/fixtures\/reports\/broken\.yaml: /) },
      }),
    ]);
  });

  it('addresses cluster findings, which have no file, by their k8s:// URI as logical locations', async () => {
    const report = await clusterReport();
    const [run] = sarif(report).runs;
    const names = run.results.map((result) => {
      expect(result.locations[0]?.physicalLocation).toBeUndefined();
      return result.locations[0]?.logicalLocations?.map(
        ({ fullyQualifiedName, kind }) => `${kind} ${fullyQualifiedName}`,
      );
    });
    expect(names).toContainEqual(['resource k8s://prod/shop/CronJob/nightly-backup']);
    // An object the cluster does not serve (a subject RBAC names) has no address: it is named by kind and name.
    expect(names).toContainEqual(['resource ServiceAccount/shop/shop-operator']);
  });

  it('streams the results in pieces that join to the same log', async () => {
    const report = await smallReport();
    const many = {
      ...report,
      findings: Array.from({ length: 1201 }, (_, i) => ({ ...report.findings[0], id: `${i}` })),
    };
    const pieces = [...renderSarif(many as Report, { cwd: repoRoot, catalog })];
    expect(pieces.length).toBeGreaterThan(3);
    expect(sarif(many as Report).runs[0].results).toHaveLength(1201);
  });
});

/** The text with a SARIF fix's replacements made, by line and column as a SARIF consumer makes them. */
function applySarifFix(
  text: string,
  replacements: NonNullable<Sarif['runs'][0]['results'][0]['fixes']>[0]['artifactChanges'][0]['replacements'],
): string {
  const starts = [0, ...[...text.matchAll(/\n/g)].map((match) => (match.index as number) + 1)];
  const offset = (line: number, column: number) => (starts[line - 1] as number) + column - 1;
  let out = text;
  for (const { deletedRegion: r, insertedContent } of [...replacements].reverse()) {
    out =
      out.slice(0, offset(r.startLine, r.startColumn)) +
      insertedContent.text +
      out.slice(offset(r.endLine, r.endColumn));
  }
  return out;
}

describe('SARIF fixes', () => {
  it("make each finding's fix in its file: the object becomes the fixed one, and the check no longer finds it", async () => {
    const { report } = await scanManifests(['examples/shop'], { cwd: repoRoot });
    const [run] = sarif(report).runs;
    const fixed = run.results.flatMap((result, index) =>
      result.fixes ? [[result, report.findings[index]] as const] : [],
    );
    expect(new Set(fixed.map(([result]) => result.ruleId))).toEqual(
      new Set([
        'allow-privilege-escalation',
        'drop-all-capabilities',
        'read-only-root-filesystem',
        'run-as-non-root',
        'seccomp-profile',
      ]),
    );
    for (const [result, finding] of fixed) {
      const [change] = result.fixes?.[0]?.artifactChanges ?? [];
      const file = path.join(repoRoot, change?.artifactLocation.uri ?? '');
      const before = readFileSync(file, 'utf8');
      const after = applySarifFix(before, change?.replacements ?? []);
      const objects = (text: string) =>
        parseAllDocuments(text, { version: '1.1' }).flatMap((document) => {
          const object = document.toJS() as { kind?: string; metadata?: { name?: string } } | null;
          return object?.kind === finding?.resource.kind && object?.metadata?.name === finding?.resource.name
            ? [object]
            : [];
        });
      expect(objects(after)).toEqual(objects(before).map((object) => applyOperations(object, finding?.fix ?? [])));
      const check = allChecks.find((candidate) => candidate.id === finding?.checkId);
      const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-sarif-fix-'));
      try {
        writeFileSync(path.join(dir, 'fixed.yaml'), after);
        const again = await scanManifests(['fixed.yaml'], { cwd: dir, checks: check ? [check] : [] });
        expect(again.report.findings.map((f) => f.path)).not.toContain(finding?.path);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('leaves out the fix of a finding whose object changed in the file since the scan', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-sarif-changed-'));
    try {
      const manifest = 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: web\n';
      writeFileSync(path.join(dir, 'pod.yaml'), manifest);
      const { report } = await scanManifests(['pod.yaml'], { cwd: dir });
      expect(sarif(report, dir).runs[0].results.filter((result) => result.fixes).length).toBeGreaterThan(0);
      writeFileSync(path.join(dir, 'pod.yaml'), manifest.replace('name: web}', 'name: api}'));
      expect(sarif(report, dir).runs[0].results.filter((result) => result.fixes)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function emptyReport(): Report {
  return {
    tool: 'kubematrix',
    version: '0.0.0-test',
    scannedAt: '2026-01-01T00:00:00.000Z',
    source: { type: 'manifests', inputs: [], files: 0, objects: 0, ignored: 0, complete: false },
    findings: [],
    techniques: [],
    errors: [],
    warnings: [],
  };
}
