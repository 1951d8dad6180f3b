import { describe, expect, it } from 'vitest';
import { repoRoot } from '../paths.js';
import { cli } from './run.js';

const FIXTURE = 'test/fixtures/rbac';
const run = (...args: string[]) => cli(args, { cwd: repoRoot });

describe('kubematrix rbac who-can', () => {
  it('lists the subjects that can create pods, with the binding, role and file:line', async () => {
    const { status, stdout } = await run('rbac', 'who-can', 'create', 'pods', FIXTURE);
    expect(status).toBe(0);
    expect(stdout).toContain('Who can create pods anywhere: 3 subject(s)');
    expect(stdout).toContain('ServiceAccount ops/operator  cluster-wide');
    expect(stdout).toContain(
      'ClusterRoleBinding operator-admin → ClusterRole cluster-admin (rules[0])  test/fixtures/rbac/operator.yaml:17',
    );
    expect(stdout).toContain('ServiceAccount ci/runner  in namespace ci');
    expect(stdout).toContain(
      'RoleBinding ci/runner-deployer → Role ci/deployer (rules[0])  test/fixtures/rbac/ci.yaml:32',
    );
    expect(stdout).toContain('Group system:masters  cluster-wide');
    expect(stdout).not.toContain('dashboard');
  });

  it('answers in JSON, for one namespace, with subresources', async () => {
    const { status, stdout } = await run(
      'rbac',
      'who-can',
      'create',
      'pods/exec',
      '-n',
      'monitoring',
      FIXTURE,
      '-o',
      'json',
    );
    expect(status).toBe(0);
    const answer = JSON.parse(stdout);
    expect(answer).toMatchObject({ verb: 'create', resource: 'pods/exec', namespace: 'monitoring' });
    expect(answer.subjects.map((entry: { subject: { name: string } }) => entry.subject.name)).toEqual([
      'system:masters',
      'operator',
    ]);
    expect(answer.subjects[1].grants[0]).toMatchObject({
      binding: { kind: 'ClusterRoleBinding', name: 'operator-admin', location: { line: 17 } },
      role: { kind: 'ClusterRole', name: 'cluster-admin', origin: 'built-in' },
      rule: { index: 0, verbs: ['*'] },
    });
  });

  it('reads standard input', async () => {
    const yaml = `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: readers, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: readers}]
`;
    const { status, stdout } = await cli(['rbac', 'who-can', 'list', 'deployments.apps', '-'], { input: yaml });
    expect(status).toBe(0);
    expect(stdout).toContain('Group readers  in namespace app');
    expect(stdout).toContain(
      'RoleBinding app/readers → ClusterRole view (ClusterRole system:aggregate-to-view rules[4])  -:6',
    );
  });

  it('exits 2 without inputs, or with nothing readable', async () => {
    expect((await run('rbac', 'who-can', 'create', 'pods')).status).toBe(2);
    const missing = await run('rbac', 'who-can', 'create', 'pods', 'no/such/dir');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no/such/dir');
  });
});

describe('kubematrix rbac subject', () => {
  it("groups a ServiceAccount's permissions by the techniques they open", async () => {
    const { status, stdout } = await run('rbac', 'subject', 'sa/runner', '-n', 'ci', FIXTURE);
    expect(status).toBe(0);
    expect(stdout).toContain('ServiceAccount ci/runner');
    expect(stdout).toContain('groups: system:serviceaccounts, system:serviceaccounts:ci, system:authenticated');
    expect(stdout).toContain('MS-TA9008 New container  [medium]');
    expect(stdout).toContain('create pods or pod controllers in namespace ci  [rbac-create-workloads]');
    expect(stdout).toContain('in namespace ci: get,list,watch,create,delete on pods (core)');
    expect(stdout).toContain('via Group system:authenticated');
  });

  it('finds a ServiceAccount by name in any namespace, and answers in JSON', async () => {
    const { status, stdout } = await run('rbac', 'subject', 'ServiceAccount/operator', FIXTURE, '--output', 'json');
    expect(status).toBe(0);
    const view = JSON.parse(stdout);
    expect(view.subject).toEqual({ kind: 'ServiceAccount', namespace: 'ops', name: 'operator' });
    expect(view.techniques).toContainEqual(
      expect.objectContaining({ id: 'MS-TA9019', name: 'Cluster-admin binding', severity: 'critical' }),
    );
    expect(view.techniques.map((technique: { id: string }) => technique.id)).toContain('MS-TA9025');
  });

  it('reads the user system:serviceaccount:NS:NAME as that ServiceAccount', async () => {
    const { status, stdout } = await run('rbac', 'subject', 'user/system:serviceaccount:ci:runner', FIXTURE);
    expect(status).toBe(0);
    expect(stdout).toContain('ServiceAccount ci/runner');
    expect(stdout).toContain('create pods or pod controllers in namespace ci  [rbac-create-workloads]');
  });

  it('says which bindings grant nothing because their role is missing', async () => {
    const yaml = `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dangling, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deleted}
subjects: [{kind: User, name: alice}]
`;
    const { status, stdout } = await cli(['rbac', 'subject', 'user/alice', '-'], { input: yaml });
    expect(status).toBe(0);
    expect(stdout).toContain('Techniques its permissions open: none');
    expect(stdout).toContain('Bindings that grant nothing (role not found):');
    expect(stdout).toContain('RoleBinding app/dangling → Role deleted');
  });

  it('exits 2 on a malformed subject', async () => {
    const { status, stderr } = await run('rbac', 'subject', 'operator', FIXTURE);
    expect(status).toBe(2);
    expect(stderr).toContain('KIND/NAME');
  });
});
