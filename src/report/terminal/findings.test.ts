import { describe, expect, it } from 'vitest';
import type { Finding, MitigationState, Report } from '../../model/report.js';
import type { ReportOptions } from '../index.js';
import { renderFindings, SHOWN_PER_GROUP } from './findings.js';

const WORKLOADS = 500;

function finding(n: number, overrides: Partial<Finding> & Pick<Finding, 'checkId' | 'severity'>): Finding {
  const name = `app-${n}`;
  return {
    id: `${overrides.checkId}-${n}`,
    title: overrides.checkId,
    techniques: [],
    mitigations: ['MS-M9013'],
    resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team', name },
    location: { file: `apps/${name}.yaml`, line: 20, column: 13 },
    path: 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem',
    message: `container of ${name} has a writable root filesystem`,
    remediation: `Fix what ${overrides.checkId} reports.`,
    ...overrides,
  };
}

/** A large scan's shape: thousands of low hardening gaps, written (and sorted) before a few critical exposures. */
function bigReport(): Report {
  const findings: Finding[] = [];
  for (let n = 0; n < WORKLOADS; n++) {
    for (const container of [0, 1]) {
      findings.push(finding(n, { id: `ro-${n}-${container}`, checkId: 'read-only-root-filesystem', severity: 'low' }));
    }
    findings.push(
      finding(n, { checkId: 'network-policy', severity: 'low', techniques: ['MS-TA9034'], mitigations: ['MS-M9014'] }),
    );
  }
  for (const n of [7, 8]) {
    findings.push(
      finding(n, {
        checkId: 'privileged-container',
        severity: 'critical',
        techniques: ['MS-TA9018'],
        mitigations: [],
        message: `container of app-${n} is privileged`,
        evidence: [
          { type: 'workload', text: 'first piece', location: { file: 'apps/ns.yaml', line: 3, column: 1 } },
          { type: 'service', text: 'second piece' },
          { type: 'policy', text: 'third piece' },
          { type: 'binding', text: 'fourth piece' },
        ],
      }),
    );
  }
  return {
    tool: 'kubematrix',
    version: '0.0.0',
    scannedAt: '2026-01-01T00:00:00.000Z',
    source: { type: 'manifests', inputs: ['apps'], files: WORKLOADS, objects: WORKLOADS, ignored: 0, complete: false },
    findings,
    techniques: [
      {
        id: 'MS-TA9034',
        status: 'exposed',
        findings: WORKLOADS,
        severity: 'low',
        assessedBy: ['network-policy'],
        mitigations: { present: [], missing: [] },
      },
      {
        id: 'MS-TA9018',
        status: 'exposed',
        findings: 2,
        severity: 'critical',
        assessedBy: ['privileged-container'],
        mitigations: { present: [], missing: [] },
      },
    ],
    errors: [],
    warnings: [
      {
        code: 'repeated-identity',
        message: 'defined in 2 files; each definition is assessed where it is written',
        resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team', name: 'app-1' },
        locations: [
          { file: 'apps/app-1.yaml', line: 1, column: 1 },
          { file: 'copy/app-1.yaml', line: 4, column: 1 },
        ],
      },
    ],
  };
}

const options: Omit<ReportOptions, 'catalog'> = { width: 100, color: false, showSuppressed: false, all: false };

describe('renderFindings', () => {
  const report = bigReport();
  const lines = renderFindings(report, options).split('\n');

  it('starts with the heat-map of the matrix, marks and finding counts readable without colour', () => {
    const summary = lines.indexOf('Summary');
    const map = lines.slice(0, summary);
    expect(map[0]).toMatch(/^Initial +│Execution│/);
    // Privilege escalation is the fourth column: its first cell is the privileged container technique.
    expect(map.find((line) => line.includes('!9018 2'))?.split('│')[3]).toBe('!9018 2  ');
    expect(map.join('\n')).toContain('!9034 500');
    expect(map.join(' ')).toContain('# mitigation in place');
  });

  it('then a summary: counts by severity, objects and files, exposed techniques worst first', () => {
    const summary = lines.indexOf('Summary');
    expect(summary).toBeGreaterThan(0);
    expect(lines[summary + 1]).toBe('1,502 findings (2 critical, 1,500 low) in 500 objects from 500 files.');
    const critical = lines.findIndex((line) => /CRITICAL\s+MS-TA9018 Privileged container \(2\)/.test(line));
    const low = lines.findIndex((line) => /LOW\s+MS-TA9034 Cluster internal networking \(500\)/.test(line));
    expect(critical).toBeGreaterThan(1);
    expect(low).toBeGreaterThan(critical);
    expect(lines).toContain('Hardening gaps: 1,000 findings from 1 check, listed after the exposures.');
  });

  it('groups by technique and check, worst first, with counts, and shows only the first few instances', () => {
    const headings = lines.filter((line) => /^ {2}[A-Z]+ +.*\[[a-z-]+\]$/.test(line));
    expect(headings.map((line) => line.match(/\[([a-z-]+)\]$/)?.[1])).toEqual([
      'privileged-container',
      'network-policy',
      'read-only-root-filesystem',
    ]);
    expect(lines).toContain('    2 findings on 2 resources');
    expect(lines).toContain(`    500 findings on 500 resources; ${SHOWN_PER_GROUP} shown, --all lists every one`);
    expect(lines).toContain(`    1,000 findings on 500 resources; ${SHOWN_PER_GROUP} shown, --all lists every one`);
    // What the group shares is printed once, not per instance.
    expect(lines.filter((line) => line.includes('Fix what read-only-root-filesystem reports.'))).toHaveLength(1);
    const instances = lines.filter((line) => line.startsWith('    - '));
    expect(instances).toHaveLength(2 + 2 * SHOWN_PER_GROUP);
    expect(instances[0]).toBe('    - Deployment/team/app-7  apps/app-7.yaml:20:13');
    expect(lines.length).toBeLessThan(100);
  });

  it('puts the first critical finding on the first screen', () => {
    const first = lines.findIndex((line) => line.includes('container of app-7 is privileged'));
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(40);
  });

  it('lists every instance with --all', () => {
    const every = renderFindings(report, { ...options, all: true }).split('\n');
    expect(every.filter((line) => line.startsWith('    - '))).toHaveLength(report.findings.length);
    expect(every.join('\n')).not.toContain('--all lists every one');
  });

  it('shows a few pieces of evidence per instance, with their location', () => {
    expect(lines).toContain('      ↳ first piece  apps/ns.yaml:3:1');
    expect(lines).toContain('      ↳ third piece');
    expect(lines).not.toContain('      ↳ fourth piece');
    expect(lines).toContain('        … 1 more piece of evidence in --output json');
  });

  it('renders warnings with every location', () => {
    const at = lines.indexOf('Warnings (1)');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 4)).toEqual([
      '  Deployment/team/app-1: defined in 2 files; each definition is assessed where it is written',
      '    apps/app-1.yaml:1:1',
      '    copy/app-1.yaml:4:1',
    ]);
  });

  it('renders the same text for the same report, however its findings are ordered', () => {
    const shuffled = { ...report, findings: [...report.findings].reverse() };
    // Instances keep report order (the scan sorts them); groups and the summary do not depend on it.
    const headings = (text: string) => text.split('\n').filter((line) => /\[[a-z-]+\]$/.test(line));
    expect(headings(renderFindings(shuffled, options))).toEqual(headings(lines.join('\n')));
  });

  it('lists each unproven defense once, after the hardening gaps, with its state as every format names it and why', () => {
    const unproven: MitigationState = {
      id: 'MS-M9013',
      by: 'simulated',
      evidence: [
        'not proven that admission rejects privileged and hostPath pods in every namespace in the input (shop)',
        'a privileged container in the only container of a labelled Pod in shop could not be decided (Kyverno ClusterPolicy no-privileged rule check: the rule reads a context that is not evaluated)',
      ],
    };
    const withUnproven: Report = {
      ...report,
      techniques: report.techniques.map((technique) => ({
        ...technique,
        mitigations: { ...technique.mitigations, unproven: [unproven] },
      })),
    };
    const text = renderFindings(withUnproven, options);
    expect(text).toContain('Unproven defenses (1): MS-M9013 may be in place but could not be evaluated (? unproven);');
    const section = text.slice(text.indexOf('Unproven defenses (may be in place; could not be evaluated)'));
    expect(text.indexOf('Hardening gaps (missing mitigations)')).toBeLessThan(text.length - section.length);
    expect(section).toContain('  ? unproven  MS-M9013 Restrict over permissive containers\n');
    expect(section).toContain('    mitigates: MS-TA9034, MS-TA9018\n');
    expect(section.replace(/\s+/g, ' ')).toContain('the rule reads a context that is not evaluated');
    // Never as present, and not at all where nothing is unproven.
    expect(section).not.toMatch(/present/);
    expect(renderFindings(report, options)).not.toContain('Unproven defenses');
  });

  it('says which findings carry their fix and what makes it, in the summary and in their group', () => {
    const patch = [{ op: 'add' as const, path: '/spec/template/spec/containers/0/securityContext', value: {} }];
    // One of the two containers' findings per workload carries a fix.
    const fixable = report.findings.map((f) =>
      f.id.startsWith('ro-') && f.id.endsWith('-0') ? { ...f, fix: patch } : f,
    );
    const text = renderFindings({ ...report, findings: fixable }, options);
    expect(text).toContain('Auto-fix for 500 findings (auto-fix in their group): kubematrix fix … --write.');
    const group = text.slice(text.indexOf('[read-only-root-filesystem]'));
    expect(group).toContain('    auto-fix: 500 of 1,000 findings (kubematrix fix … --write)\n');
    // The privileged containers carry none: no line in their group.
    const privileged = text.slice(text.indexOf('[privileged-container]'), text.indexOf('[network-policy]'));
    expect(privileged).not.toContain('auto-fix');
    // Read from a cluster, there are no files to write: patches.
    const cluster: Report['source'] = {
      type: 'cluster',
      context: 'prod',
      server: 'https://127.0.0.1:6443',
      serverVersion: 'v1.31.0',
      collectedAt: '2026-01-01T00:00:00.000Z',
      namespaces: { only: null, excluded: [] },
      objects: WORKLOADS,
      kinds: [],
      unavailable: [],
      complete: true,
    };
    expect(renderFindings({ ...report, source: cluster, findings: fixable }, options)).toContain(
      'Auto-fix for 500 findings (auto-fix in their group): kubematrix fix … -o DIR (as patches).',
    );
    // Nor from standard input.
    const stdin: Report['source'] = { ...report.source, inputs: ['-'] } as Report['source'];
    expect(renderFindings({ ...report, source: stdin, findings: fixable }, options)).toContain(
      'kubematrix fix … -o DIR (as patches).',
    );
    // None: nothing said.
    expect(renderFindings(report, options)).not.toMatch(/auto-fix/i);
  });
});
