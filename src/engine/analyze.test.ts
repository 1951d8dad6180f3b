import { describe, expect, it } from 'vitest';
import { defineCheck } from '../checks/define.js';
import privilegedContainer from '../checks/privileged-container/index.js';
import { parseConfig } from '../config/index.js';
import { parseManifest } from '../inputs/manifests.js';
import { buildInventory } from '../inventory/index.js';
import { analyze } from './analyze.js';

const manifest = (annotations = '') => `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: cilium
  namespace: kube-system
${annotations}
spec:
  template:
    spec:
      containers:
      - name: agent
        securityContext: {privileged: true}
`;

function run(yaml: string, config = '', now = new Date('2026-06-01')) {
  const { inventory } = buildInventory(parseManifest('ds.yaml', Buffer.from(yaml)).objects);
  return analyze(inventory, { checks: [privilegedContainer], config: parseConfig(config), now }).findings;
}

describe('suppressions', () => {
  it('leaves a finding alone when no rule matches', () => {
    const [finding] = run(
      manifest(),
      'ignore:\n- {check: privileged-container, namespace: default, reason: other ns}\n',
    );
    expect(finding?.suppressed).toBeUndefined();
  });

  it('suppresses by check, namespace, kind and name pattern, keeping the finding with its reason', () => {
    const findings = run(
      manifest(),
      'ignore:\n- check: privileged-container\n  namespace: kube-system\n  kind: DaemonSet\n  name: "cil*"\n  reason: the CNI needs it\n  expires: 2026-12-31\n',
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]?.suppressed).toEqual({ reason: 'the CNI needs it', expires: '2026-12-31', by: 'config' });
  });

  it('brings an expired suppression back', () => {
    const [finding] = run(
      manifest(),
      'ignore:\n- {check: privileged-container, reason: temporary, expires: 2026-01-31}\n',
    );
    expect(finding?.suppressed).toBeUndefined();
    expect(finding?.message).toMatch(/ \(suppression expired 2026-01-31\)$/);
  });

  it('says nothing of expiry on a suppression still in force, nor on a finding no rule names', () => {
    const [hidden] = run(manifest(), 'ignore:\n- {check: privileged-container, reason: later, expires: 2026-07-01}\n');
    const [plain] = run(manifest());
    expect(hidden?.suppressed?.expires).toBe('2026-07-01');
    expect(`${hidden?.message} ${plain?.message}`).not.toContain('expired');
  });

  it('honours the kubematrix.io/ignore annotation with its reason', () => {
    const [finding] = run(
      manifest(
        '  annotations:\n    kubematrix.io/ignore: "run-as-non-root, privileged-container"\n    kubematrix.io/ignore-reason: eBPF datapath',
      ),
    );
    expect(finding?.suppressed).toEqual({ reason: 'eBPF datapath', by: 'annotation' });
  });

  it('ignores an annotation naming other checks', () => {
    const [finding] = run(manifest('  annotations:\n    kubematrix.io/ignore: run-as-non-root'));
    expect(finding?.suppressed).toBeUndefined();
  });

  it('lets config disable a check or change its severity', () => {
    expect(run(manifest(), 'checks:\n  privileged-container: {enabled: false}\n')).toEqual([]);
    expect(run(manifest(), 'checks:\n  privileged-container: {severity: low}\n')[0]?.severity).toBe('low');
  });
});

describe('config validation', () => {
  it.each([
    ['ignore:\n- {check: x}\n', /ignore\[0\]\.reason/],
    ['ignore:\n- {check: x, reason: y, expires: someday}\n', /ignore\[0\]\.expires: must be a date/],
    ['ignore:\n- {check: x, reason: y, namspace: typo}\n', /namspace/],
    ['checks:\n  x: {severity: urgent}\n', /checks\.x\.severity/],
    ['ignore: [\n', /\.kubematrix\.yaml:2:1: invalid YAML: /],
  ])('rejects %j with a message naming the field', (text, message) => {
    expect(() => parseConfig(text, '.kubematrix.yaml')).toThrow(message);
  });
});

describe('findings', () => {
  it('carry a stable id, the exact field, and the check’s remediation', () => {
    const [first] = run(manifest());
    const [again] = run(manifest());
    expect(first?.id).toMatch(/^[0-9a-f]{16}$/);
    expect(first?.id).toBe(again?.id);
    expect(first).toMatchObject({
      checkId: 'privileged-container',
      path: 'spec.template.spec.containers[0].securityContext.privileged',
      resource: { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'kube-system', name: 'cilium' },
      location: { file: 'ds.yaml', line: 13 },
      remediation: privilegedContainer.remediation,
    });
  });
});

describe('secrets', () => {
  it('keep only key names in the inventory: values never reach a check or a report', () => {
    const yaml = `apiVersion: v1
kind: Secret
metadata:
  name: db
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"aHVudGVyMg=="}}'
type: Opaque
data:
  password: aHVudGVyMg==
stringData:
  token: hunter2-token
`;
    const { inventory } = buildInventory(parseManifest('secret.yaml', Buffer.from(yaml)).objects);
    const [secret] = inventory.ofKind('Secret');
    const serialized = JSON.stringify(secret?.object);
    expect(serialized).not.toContain('aHVudGVyMg');
    expect(serialized).not.toContain('hunter2');
    expect(secret?.object).toMatchObject({
      type: 'Opaque',
      data: { password: '<redacted>' },
      stringData: { token: '<redacted>' },
    });
  });
});

describe('a check that fails', () => {
  it('is reported as an error, keeps what it found, and does not stop the other checks', () => {
    const broken = defineCheck({
      ...privilegedContainer,
      id: 'broken-check',
      run({ inventory, report }) {
        const [pod] = inventory.podSpecs;
        if (pod) report({ resource: pod.owner, message: 'found before failing' });
        throw new Error('unexpected input');
      },
    });
    const { inventory } = buildInventory(parseManifest('ds.yaml', Buffer.from(manifest())).objects);
    const analysis = analyze(inventory, { checks: [broken, privilegedContainer], config: parseConfig('') });
    expect(analysis.errors).toEqual([{ source: 'check broken-check', message: 'failed: unexpected input' }]);
    expect(analysis.findings.map((f) => f.checkId).sort()).toEqual(['broken-check', 'privileged-container']);
    expect(analysis.checks.map((c) => c.id)).toEqual(['privileged-container']);
  });
});

describe('fixes', () => {
  const fixing = (fixable: boolean) =>
    defineCheck({
      ...privilegedContainer,
      id: 'fixing-check',
      ...(fixable ? { fixable: { breaks: 'nothing' } } : {}),
      run({ inventory, report }) {
        for (const pod of inventory.podSpecs) {
          const path = [...pod.path, 'hostPID'];
          report({ resource: pod.owner, path, message: 'hostPID unset', fix: [{ op: 'add', path, value: false }] });
        }
      },
    });
  const findings = (fixable: boolean) => {
    const { inventory } = buildInventory(parseManifest('ds.yaml', Buffer.from(manifest())).objects);
    return analyze(inventory, { checks: [fixing(fixable)], config: parseConfig('') });
  };

  it('carries the operations as JSON Patch, their paths as JSON Pointers', () => {
    expect(findings(true).findings[0]?.fix).toEqual([{ op: 'add', path: '/spec/template/spec/hostPID', value: false }]);
  });

  it('refuses a fix from a check that does not declare itself fixable', () => {
    expect(findings(false).errors).toEqual([
      { source: 'check fixing-check', message: "failed: check 'fixing-check' reported a fix but is not fixable" },
    ]);
  });
});

describe('config and annotations naming unknown checks', () => {
  it('are reported, so a typo does not silently suppress or configure nothing', () => {
    const yaml = manifest('  annotations:\n    kubematrix.io/ignore: "privileged-container, run-as-nonroot"');
    const { inventory } = buildInventory(parseManifest('ds.yaml', Buffer.from(yaml)).objects);
    const config = parseConfig(
      'ignore:\n- {check: privileged-containr, reason: typo}\n- {check: "*", kind: Job, reason: all}\nchecks:\n  nope: {enabled: false}\n',
    );
    const { errors, warnings, findings } = analyze(inventory, { checks: [privilegedContainer], config });
    // Settings for no check are an error; a suppression that hides nothing a warning (the findings still show).
    expect(errors.map((e) => e.message)).toEqual(['checks.nope names no check kubematrix has (see docs/checks.md)']);
    expect(warnings).toEqual([
      {
        code: 'unknown-check',
        message: "config ignore[0].check: 'privileged-containr' names no check kubematrix has (see docs/checks.md)",
        locations: [],
      },
      {
        code: 'unknown-check',
        message: "annotation kubematrix.io/ignore: 'run-as-nonroot' names no check kubematrix has (see docs/checks.md)",
        resource: { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'kube-system', name: 'cilium' },
        locations: [expect.objectContaining({ file: 'ds.yaml', line: 8 })],
      },
    ]);
    // The known check the annotation names is still suppressed.
    expect(findings[0]?.suppressed?.by).toBe('annotation');
  });
});

describe('check selection (--check, --skip-check)', () => {
  const { inventory } = buildInventory(parseManifest('ds.yaml', Buffer.from(manifest())).objects);
  const decoy = { ...privilegedContainer, id: 'rbac-decoy' };
  const ran = (only?: string[], skip?: string[]) =>
    analyze(inventory, { checks: [privilegedContainer, decoy], config: parseConfig(''), only, skip }).checks.map(
      (check) => check.id,
    );

  it('runs only the checks a pattern names, and none a skip pattern names', () => {
    expect(ran()).toEqual(['privileged-container', 'rbac-decoy']);
    expect(ran(['privileged-*'])).toEqual(['privileged-container']);
    expect(ran(undefined, ['rbac-*'])).toEqual(['privileged-container']);
    expect(ran(['*'], ['privileged-container'])).toEqual(['rbac-decoy']);
    // A pattern is the whole id, not a part of it.
    expect(ran(['privileged'])).toEqual([]);
  });
});
