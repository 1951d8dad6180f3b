#!/usr/bin/env node
// Prints performance figures; asserts nothing. Run with `npm run bench` (which builds first).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(root, 'bin/kubematrix.js');

function time(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

// 1. CLI start-up: what every invocation pays before doing anything, beside what Node itself pays.
const fastest = (args) =>
  Math.min(...Array.from({ length: 11 }, () => time(() => execFileSync(process.execPath, args))));
const bare = fastest(['-e', '0']);
const startup = fastest([bin, '--version']);
console.log(
  `startup   kubematrix --version: ${startup.toFixed(0)} ms, fastest of 11 (target ≤ 150 ms); node -e 0 alone: ${bare.toFixed(0)} ms`,
);

// 2. A deterministic corpus of 10,000 mixed resources, 10 per file.
const RESOURCES = 10_000;
const PER_FILE = 10;
const corpus = mkdtempSync(path.join(tmpdir(), 'kubematrix-bench-'));
const kinds = [deployment, service, configMap, pod, cronJob, daemonSet, role, roleBinding, serviceAccount, statefulSet];
for (let file = 0; file < RESOURCES / PER_FILE; file++) {
  const docs = [];
  for (let i = 0; i < PER_FILE; i++) {
    const n = file * PER_FILE + i;
    docs.push(kinds[n % kinds.length](n));
  }
  writeFileSync(path.join(corpus, `app-${String(file).padStart(4, '0')}.yaml`), docs.join('---\n'));
}
const files = readdirSync(corpus).map((name) => path.join(corpus, name));

// Both measurements run in one fresh process, alternating, so that neither gets a warmer JIT or a quieter machine:
// (a) parsing alone with the yaml library and the same options, the floor any YAML-based scanner stands on;
// (b) the full scan.
const child = `
  const { readdirSync, readFileSync } = await import('node:fs');
  const { parseAllDocuments } = await import(${JSON.stringify(path.join(root, 'node_modules/yaml/dist/index.js'))});
  const { scanManifests } = await import(${JSON.stringify(path.join(root, 'dist/engine/scan.js'))});
  const files = readdirSync(${JSON.stringify(corpus)}).map((name) => ${JSON.stringify(corpus)} + '/' + name);
  const time = async (fn) => { const start = process.hrtime.bigint(); await fn(); return Number(process.hrtime.bigint() - start) / 1e6; };
  const parse = [], scan = [];
  let report;
  for (let run = 0; run < 5; run++) {
    parse.push(await time(() => {
      for (const file of files) for (const doc of parseAllDocuments(readFileSync(file, 'utf8'), { version: '1.1' })) doc.toJS();
    }));
    report = undefined;
    scan.push(await time(async () => { ({ report } = await scanManifests([${JSON.stringify(corpus)}])); }));
  }
  // The fastest of five: on a shared machine, noise only ever adds time.
  console.log(JSON.stringify({ parseMs: Math.min(...parse), scanMs: Math.min(...scan), objects: report.source.objects,
    findings: report.findings.length, errors: report.errors.length }));
`;
// Memory as a user meets it: one scan in a fresh process.
const once = `
  const { scanManifests } = await import(${JSON.stringify(path.join(root, 'dist/engine/scan.js'))});
  await scanManifests([${JSON.stringify(corpus)}]);
  console.log(process.resourceUsage().maxRSS / 1024);
`;
const measured = JSON.parse(
  spawnSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout,
);
console.log(
  `corpus    ${measured.objects} objects in ${files.length} files (${measured.findings} findings, ${measured.errors} errors)`,
);
console.log(`parse     yaml only: ${measured.parseMs.toFixed(0)} ms (fastest of 5)`);
console.log(`scan      full scan: ${measured.scanMs.toFixed(0)} ms (fastest of 5)`);
console.log(`ratio     scan / parse: ${(measured.scanMs / measured.parseMs).toFixed(2)} (target ≤ 1.5)`);
const maxRssMb = Number(spawnSync(process.execPath, ['--input-type=module', '-e', once], { encoding: 'utf8' }).stdout);
console.log(`memory    peak RSS of one scan: ${maxRssMb.toFixed(0)} MB (target ≤ 300 MB)`);
rmSync(corpus, { recursive: true, force: true });

// 3. RBAC resolution, where the RBAC benchmark exists.
try {
  const { benchRbac } = await import('./bench-rbac.mjs');
  const rbac = await benchRbac();
  console.log(`rbac      ${rbac.subjects} subjects, ${rbac.rules} rules resolved in ${rbac.ms.toFixed(0)} ms`);
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
}

// 4. A live cluster of 25,000 pods served by the test API server (test/support/kube-api-server.ts, compiled here:
// it is test code, not shipped), collected and scanned in one fresh process, as `kubematrix scan --cluster` does.
{
  const out = mkdtempSync(path.join(tmpdir(), 'kubematrix-bench-server-'));
  execFileSync(path.join(root, 'node_modules/.bin/tsc'), [
    path.join(root, 'test/support/kube-api-server.ts'),
    ...['--outDir', out, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023'],
    ...['--types', 'node', '--skipLibCheck', '--ignoreConfig'],
  ]);
  const { startKubeApiServer } = await import(path.join(out, 'kube-api-server.js'));
  const objects = generateCluster();
  const pods = objects.filter((object) => object.kind === 'Pod').length;
  const server = await startKubeApiServer({ objects });
  const collectAndScan = `
    const { collectCluster } = await import(${JSON.stringify(path.join(root, 'dist/inputs/cluster/collect.js'))});
    const { scanCollection } = await import(${JSON.stringify(path.join(root, 'dist/engine/scan.js'))});
    const start = performance.now();
    const collection = await collectCluster({ kubeconfig: process.argv[1], env: {}, cwd: process.cwd() });
    const collected = performance.now();
    const { report } = scanCollection(collection);
    const scanned = performance.now();
    console.log(JSON.stringify({ collectMs: collected - start, scanMs: scanned - collected, objects: collection.objects.length,
      findings: report.findings.length, unavailable: collection.unavailable.length, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', collectAndScan, server.kubeconfig()], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  await new Promise((resolve) => child.on('close', resolve));
  const requests = server.requests.length;
  await server.close();
  rmSync(out, { recursive: true, force: true });
  const live = JSON.parse(stdout);
  console.log(
    `cluster   ${live.objects} objects (${pods} pods), ${requests} GETs: collected in ${live.collectMs.toFixed(0)} ms, scanned in ${live.scanMs.toFixed(0)} ms, ` +
      `${(live.collectMs + live.scanMs).toFixed(0)} ms in all (target ≤ 10000 ms); ${live.findings} findings`,
  );
  console.log(`memory    peak RSS of collection + scan: ${live.maxRssMb.toFixed(0)} MB (target ≤ 1024 MB)`);
}

/**
 * 50 namespaces; 2,400 Deployments with a ReplicaSet and 10 pods each (the pods owned, as in a cluster), 1,000
 * bare pods, Services, ServiceAccounts, ConfigMaps, Secrets, RBAC, NetworkPolicies and Kyverno policies.
 */
function generateCluster() {
  const objects = [];
  const ns = (n) => `team-${n % 50}`;
  const container = (n) => ({
    name: 'main',
    image: n % 7 === 0 ? 'nginx' : `registry.example.com/team-${n % 50}/app:${n % 13}.0.1`,
    ports: [{ containerPort: 8000 + (n % 100) }],
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      n % 11 === 0 ? { name: 'DB_PASSWORD', value: `pw-${n}` } : { name: 'DB_HOST', value: 'db' },
    ],
    ...(n % 3 === 0
      ? {
          securityContext: {
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
          resources: { limits: { cpu: '500m', memory: '256Mi' } },
        }
      : n % 17 === 0
        ? { securityContext: { privileged: true } }
        : {}),
  });
  const podSpec = (n) => ({
    serviceAccountName: `sa-${n % 10}`,
    containers: [container(n)],
    ...(n % 19 === 0 ? { volumes: [{ name: 'host', hostPath: { path: '/var/log' } }] } : {}),
  });
  const meta = (name, n, extra = {}) => ({
    name,
    namespace: ns(n),
    uid: `uid-${name}-${n}`,
    labels: { app: `app-${n}` },
    ...extra,
  });
  for (let n = 0; n < 50; n++) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns(n), uid: `ns-${n}` } });
    if (n % 2 === 0) {
      objects.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('default-deny', n),
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      });
    }
    for (let s = 0; s < 10; s++)
      objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { ...meta(`sa-${s}`, n), name: `sa-${s}` } });
  }
  for (let n = 0; n < 2400; n++) {
    const name = `app-${n}`;
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name, n),
      spec: {
        replicas: 10,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: podSpec(n) },
      },
    });
    const owner = (kind, ownerName) => ({
      ownerReferences: [{ apiVersion: 'apps/v1', kind, name: ownerName, uid: `uid-${ownerName}`, controller: true }],
    });
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta(`${name}-5d8f`, n, owner('Deployment', name)),
      spec: { replicas: 10, template: { metadata: { labels: { app: name } }, spec: podSpec(n) } },
    });
    for (let p = 0; p < 10; p++) {
      objects.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: meta(`${name}-5d8f-${p}`, n, owner('ReplicaSet', `${name}-5d8f`)),
        spec: { ...podSpec(n), nodeName: `node-${p}` },
        status: { phase: 'Running', podIP: `10.0.${n % 250}.${p}` },
      });
    }
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name, n),
      spec: {
        type: n % 10 === 0 ? 'LoadBalancer' : 'ClusterIP',
        selector: { app: name },
        ports: [{ port: 80, targetPort: 8000 + (n % 100) }],
      },
    });
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(name, n),
      data: { 'config.yaml': `listen: 0.0.0.0:8080\nupstream: http://svc-${n % 100}:80\n` },
    });
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: meta(name, n),
      data: { password: Buffer.from(`secret-${n}`).toString('base64') },
    });
  }
  for (let n = 0; n < 1000; n++) {
    objects.push({ apiVersion: 'v1', kind: 'Pod', metadata: meta(`bare-${n}`, n), spec: podSpec(n) });
  }
  for (let n = 0; n < 500; n++) {
    const risky = n % 5 === 0;
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(`role-${n}`, n),
      rules: [
        {
          apiGroups: [''],
          resources: risky ? ['secrets', 'pods/exec'] : ['configmaps'],
          verbs: risky ? ['get', 'list', 'create'] : ['get', 'list'],
        },
      ],
    });
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(`binding-${n}`, n),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `role-${n}` },
      subjects: [{ kind: 'ServiceAccount', name: `sa-${n % 10}`, namespace: ns(n) }],
    });
  }
  for (let n = 0; n < 50; n++) {
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: `cluster-role-${n}`, uid: `cr-${n}` },
      rules: [{ apiGroups: ['*'], resources: n % 10 === 0 ? ['*'] : ['pods'], verbs: ['get', 'list', 'watch'] }],
    });
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `cluster-binding-${n}`, uid: `crb-${n}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `cluster-role-${n}` },
      subjects: [{ kind: 'Group', name: `group-${n}` }],
    });
  }
  for (let n = 0; n < 10; n++) {
    objects.push({
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: `policy-${n}`, uid: `kp-${n}` },
      spec: { validationFailureAction: 'Enforce', rules: [] },
    });
  }
  return objects;
}

function meta(kind, n, apiVersion) {
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${kind.toLowerCase()}-${n}\n  namespace: team-${n % 50}\n  labels:\n    app: app-${n % 200}\n`;
}

function podSpec(n, indent) {
  const pad = ' '.repeat(indent);
  const hardened = n % 3 === 0;
  return [
    `${pad}serviceAccountName: sa-${n % 100}`,
    `${pad}containers:`,
    `${pad}- name: main`,
    `${pad}  image: ${n % 7 === 0 ? 'nginx' : `registry.example.com/team-${n % 50}/app:${n % 13}.0.1`}`,
    `${pad}  ports:`,
    `${pad}  - containerPort: ${8000 + (n % 100)}`,
    `${pad}  env:`,
    `${pad}  - name: LOG_LEVEL`,
    `${pad}    value: info`,
    `${pad}  - name: ${n % 11 === 0 ? 'DB_PASSWORD' : 'DB_HOST'}`,
    `${pad}    value: ${n % 11 === 0 ? `pw-${n}-not-a-real-secret` : 'db.internal'}`,
    ...(hardened
      ? [
          `${pad}  securityContext:`,
          `${pad}    runAsNonRoot: true`,
          `${pad}    allowPrivilegeEscalation: false`,
          `${pad}    readOnlyRootFilesystem: true`,
          `${pad}    capabilities: {drop: [ALL]}`,
          `${pad}  resources:`,
          `${pad}    limits: {cpu: 500m, memory: 256Mi}`,
        ]
      : n % 17 === 0
        ? [`${pad}  securityContext:`, `${pad}    privileged: true`]
        : []),
    ...(n % 19 === 0 ? [`${pad}volumes:`, `${pad}- name: host`, `${pad}  hostPath: {path: /var/log}`] : []),
  ].join('\n');
}

function deployment(n) {
  return `${meta('Deployment', n, 'apps/v1')}spec:\n  replicas: 2\n  selector:\n    matchLabels: {app: app-${n % 200}}\n  template:\n    metadata:\n      labels: {app: app-${n % 200}}\n    spec:\n${podSpec(n, 6)}\n`;
}
function statefulSet(n) {
  return deployment(n).replace('kind: Deployment', 'kind: StatefulSet').replace('deployment-', 'statefulset-');
}
function daemonSet(n) {
  return deployment(n).replace('kind: Deployment', 'kind: DaemonSet').replace('deployment-', 'daemonset-');
}
function pod(n) {
  return `${meta('Pod', n, 'v1')}spec:\n${podSpec(n, 2)}\n`;
}
function cronJob(n) {
  return `${meta('CronJob', n, 'batch/v1')}spec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n${podSpec(n, 10)}\n`;
}
function service(n) {
  return `${meta('Service', n, 'v1')}spec:\n  type: ${n % 10 === 0 ? 'LoadBalancer' : 'ClusterIP'}\n  selector: {app: app-${n % 200}}\n  ports:\n  - port: 80\n    targetPort: ${8000 + (n % 100)}\n`;
}
function configMap(n) {
  return `${meta('ConfigMap', n, 'v1')}data:\n  config.yaml: |\n    listen: 0.0.0.0:8080\n    upstream: http://svc-${n % 100}:80\n  FEATURE_FLAGS: "a,b,c"\n`;
}
function serviceAccount(n) {
  return `${meta('ServiceAccount', n, 'v1')}automountServiceAccountToken: ${n % 2 === 0}\n`;
}
function role(n) {
  const risky = n % 5 === 0;
  return `${meta('Role', n, 'rbac.authorization.k8s.io/v1')}rules:\n- apiGroups: [""]\n  resources: [${risky ? 'secrets, pods/exec' : 'configmaps'}]\n  verbs: [get, list${risky ? ', create' : ''}]\n`;
}
function roleBinding(n) {
  return `${meta('RoleBinding', n, 'rbac.authorization.k8s.io/v1')}roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: role-${n - 1}\nsubjects:\n- kind: ServiceAccount\n  name: sa-${n % 100}\n  namespace: team-${n % 50}\n`;
}
