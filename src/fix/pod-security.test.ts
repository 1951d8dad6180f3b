import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scanManifests } from '../engine/scan.js';
import type { FixFile } from './index.js';
import { podSecurity } from './pod-security.js';

const FIXTURE = 'test/fixtures/fix/pod-security.yaml';

async function filesFor(inputs: string[], mode: 'warn' | 'enforce' = 'warn', stdin?: string) {
  const { report, inventory } = await scanManifests(inputs, {
    paths: false,
    ...(stdin === undefined
      ? {}
      : {
          stdin: async function* () {
            yield Buffer.from(stdin);
          },
        }),
  });
  return { files: podSecurity({ inventory, findings: report.findings, mode }), findings: report.findings };
}

const byPath = (files: readonly FixFile[]) => new Map(files.map((file) => [file.path.split('/').pop(), file]));
/** The labels a namespace patch sets. */
const labelsOf = (file: FixFile | undefined) =>
  file?.patches?.[0]?.patch.metadata as { labels: Record<string, string> };

const RESTRICTED_POD = `
      securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: app
          image: registry.example/app:1.0
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}`;
const BASELINE_POD = `
      containers:
        - name: app
          image: registry.example/app:1.0`;
const PRIVILEGED_POD = `
      containers:
        - name: app
          image: registry.example/app:1.0
          securityContext: {privileged: true}`;

function namespace(name: string, labels = '{}') {
  return `apiVersion: v1\nkind: Namespace\nmetadata: {name: "${name}", labels: ${labels}}\n---\n`;
}
function deployment(name: string, ns: string, pod: string) {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: "${ns}"}
spec:
  template:
    spec:${pod}
---
`;
}

describe('the Pod Security admission labels generator', () => {
  it('enforces restricted where every workload meets it, replacing an explicit privileged level, and says what it closes', async () => {
    const { files, findings } = await filesFor([FIXTURE]);
    const named = byPath(files);
    expect([...named.keys()]).toEqual([
      'label-namespaces.sh',
      'namespace-legacy.yaml',
      'namespace-web.yaml',
      'levels.md',
    ]);
    // Restricted is the top: nothing further to warn about.
    expect(labelsOf(named.get('namespace-web.yaml')).labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    expect(labelsOf(named.get('namespace-legacy.yaml')).labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    const web = named.get('namespace-web.yaml');
    const gap = findings.find((f) => f.checkId === 'pod-security-admission' && f.resource.name === 'web');
    expect(web?.closes).toEqual({ techniques: ['MS-TA9013', 'MS-TA9018'], findings: [gap?.id] });
    expect(web?.breaks).toEqual([]);
    // The file is the patch, after its header: what kubectl patch and kustomize read.
    expect(parse(web?.text ?? '', { version: '1.1' })).toEqual(web?.patches?.[0]?.patch);
    expect(web?.text).toMatch(/^# Pod Security admission labels for namespace web/);
    // Only the label the input shows set to a weaker level is overwritten.
    const script = named.get('label-namespaces.sh')?.text ?? '';
    expect(script).toContain(
      "kubectl label --overwrite namespace 'legacy' 'pod-security.kubernetes.io/enforce=restricted'",
    );
    expect(script).toContain("kubectl label namespace 'web' 'pod-security.kubernetes.io/enforce=restricted'");
  });

  it('enforces the level every workload meets, and in warn mode warns and audits at the next one, naming its blockers and their fields', async () => {
    const input =
      namespace('apps') + deployment('api', 'apps', BASELINE_POD) + deployment('web', 'apps', RESTRICTED_POD);
    const warn = byPath((await filesFor(['-'], 'warn', input)).files);
    expect(labelsOf(warn.get('namespace-apps.yaml')).labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    const levels = warn.get('levels.md')?.text ?? '';
    expect(levels).toContain('restricted is blocked by:\n- Deployment apps/api:\n');
    expect(levels).toContain(
      '  - `spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation` (container "app" must set securityContext.allowPrivilegeEscalation=false)\n',
    );
    expect(levels).not.toContain('Deployment apps/web');
    const enforce = byPath((await filesFor(['-'], 'enforce', input)).files);
    expect(labelsOf(enforce.get('namespace-apps.yaml')).labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'baseline',
    });
  });

  it('leaves alone a namespace labelled at that level or stricter, and never enforces where a workload fails baseline', async () => {
    const input =
      namespace('done', '{pod-security.kubernetes.io/enforce: restricted}') +
      deployment('web', 'done', RESTRICTED_POD) +
      namespace('ops') +
      deployment('agent', 'ops', PRIVILEGED_POD) +
      deployment('agent', 'kube-system', PRIVILEGED_POD);
    const { files } = await filesFor(['-'], 'enforce', input);
    expect(files.map((file) => file.path)).toEqual(['MS-M9017-pod-security/levels.md']);
    const { files: warned } = await filesFor(['-'], 'warn', input);
    expect(labelsOf(byPath(warned).get('namespace-ops.yaml')).labels).toEqual({
      'pod-security.kubernetes.io/warn': 'baseline',
      'pod-security.kubernetes.io/audit': 'baseline',
    });
    // Warn and audit reject nothing: the file closes nothing, and the control plane's namespace is not touched.
    expect(byPath(warned).get('namespace-ops.yaml')?.closes).toEqual({ techniques: [], findings: [] });
    expect(warned.map((file) => file.path).join()).not.toContain('kube-system');
  });

  it('replaces a label the API server would refuse, and a pinned old version, judged at latest', async () => {
    const input =
      namespace(
        'apps',
        '{pod-security.kubernetes.io/enforce: strict, pod-security.kubernetes.io/warn: restricted, pod-security.kubernetes.io/warn-version: v1.22}',
      ) + deployment('web', 'apps', RESTRICTED_POD);
    const named = byPath((await filesFor(['-'], 'warn', input)).files);
    expect(labelsOf(named.get('namespace-apps.yaml')).labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
  });

  it('proposes nothing for a namespace name no cluster can have, which would otherwise name a file or a command, and says so', async () => {
    const input = namespace("../x';touch /tmp/pwned;'") + deployment('web', "../x';touch /tmp/pwned;'", RESTRICTED_POD);
    const { files } = await filesFor(['-'], 'warn', input);
    // Named, not dropped: levels.md says why nothing is proposed for it.
    expect(files.map((file) => file.path)).toEqual(['MS-M9017-pod-security/levels.md']);
    expect(files[0]?.text).toContain(`## Not labelled\n\nThese namespace names are not DNS labels`);
    expect(files[0]?.text).toContain(`- ${JSON.stringify("../x';touch /tmp/pwned;'")}`);
  });

  it('proposes nothing for an input without namespaces or workloads', async () => {
    expect((await filesFor(['-'], 'warn', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n')).files).toEqual([]);
  });
});
