#!/usr/bin/env node
// RBAC at scale: 5,000 subjects and 20,000 rules, generated deterministically in memory, resolved and checked.
// Prints figures, asserts nothing. Needs the build (`npm run build`); scripts/bench.mjs calls benchRbac().
import { fileURLToPath } from 'node:url';
import { allChecks } from '../dist/checks/index.js';
import { Config } from '../dist/config/index.js';
import { analyze } from '../dist/engine/analyze.js';
import { buildInventory } from '../dist/inventory/index.js';
import { rbacOf } from '../dist/rbac/model.js';

const SUBJECTS = 5_000;
const RULES = 20_000;
const RULES_PER_ROLE = 8;
const ROLES = RULES / RULES_PER_ROLE;
const NAMESPACES = 50;
const WORKLOADS = 1_000;
const RBAC_API = 'rbac.authorization.k8s.io/v1';

/** Rules as charts write them: mostly harmless reads and writes of the app's own objects… */
const HARMLESS = [
  { apiGroups: [''], resources: ['configmaps', 'services'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['*'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['example.com'], resources: ['*'], verbs: ['*'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list', 'watch'] },
];
/** …and, in every other role, one rule of a risky kind. */
const RISKY = [
  { apiGroups: [''], resources: ['secrets'], resourceNames: ['tls'], verbs: ['get'] },
  { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['get', 'patch'] },
  { apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['create'] },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['create', 'delete'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'] },
  { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
];

function generate() {
  const objects = [];
  const namespaceOf = (n) => `team-${n % NAMESPACES}`;
  for (let n = 0; n < ROLES; n++) {
    const cluster = n % 10 === 0;
    const rules = Array.from({ length: RULES_PER_ROLE }, (_, i) =>
      i === 0 && n % 2 === 0 ? RISKY[(n / 2) % RISKY.length] : HARMLESS[(n + i) % HARMLESS.length],
    );
    const labels = n % 50 === 0 ? { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } : {};
    objects.push({
      apiVersion: RBAC_API,
      kind: cluster ? 'ClusterRole' : 'Role',
      metadata: { name: `role-${n}`, ...(cluster ? {} : { namespace: namespaceOf(n) }), labels },
      rules,
    });
  }
  for (let n = 0; n < SUBJECTS; n++) {
    const role = n % ROLES;
    const clusterRole = role % 10 === 0;
    const namespace = namespaceOf(role);
    const subject =
      n % 10 < 6
        ? { kind: 'ServiceAccount', name: `sa-${n}`, namespace }
        : n % 10 < 9
          ? { kind: 'User', name: `user-${n}` }
          : { kind: 'Group', name: `group-${n}` };
    const crb = clusterRole && n % 3 === 0;
    objects.push({
      apiVersion: RBAC_API,
      kind: crb ? 'ClusterRoleBinding' : 'RoleBinding',
      metadata: { name: `binding-${n}`, ...(crb ? {} : { namespace }) },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: clusterRole ? 'ClusterRole' : 'Role',
        name: `role-${role}`,
      },
      subjects: [subject],
    });
    if (subject.kind === 'ServiceAccount') {
      objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: subject.name, namespace } });
    }
  }
  for (let n = 0; n < WORKLOADS; n++) {
    const account = n * 10; // every tenth subject is a ServiceAccount with a workload
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `app-${n}`, namespace: namespaceOf(account % ROLES) },
      spec: {
        template: { spec: { serviceAccountName: `sa-${account}`, containers: [{ name: 'app', image: 'app:1' }] } },
      },
    });
  }
  return objects.map((object) => ({ object }));
}

export async function benchRbac() {
  const { inventory } = buildInventory(generate());
  const checks = allChecks.filter((check) => check.id.startsWith('rbac-') || check.id === 'workload-token-permissions');
  const start = performance.now();
  const rbac = rbacOf(inventory);
  let grants = 0;
  for (const subject of rbac.subjects) grants += rbac.permissionsOf(subject).length;
  const { findings } = analyze(inventory, { checks, config: Config.parse({}) });
  const ms = performance.now() - start;
  return { subjects: SUBJECTS, rules: RULES, ms, grants, checks: checks.length, findings: findings.length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchRbac();
  console.log(
    `rbac      ${result.subjects} subjects, ${result.rules} rules: effective permissions (${result.grants} grants) and ${result.checks} checks (${result.findings} findings) in ${result.ms.toFixed(0)} ms`,
  );
}
