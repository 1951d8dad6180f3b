#!/usr/bin/env node
// Prints performance figures; asserts nothing. Run with `npm run bench` (which builds first).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCluster } from './cluster.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

// BENCH_RUNS=1 for a quick look while working; the fastest of five is what to quote.
const RUNS = Number(process.env.BENCH_RUNS) || 5;

function time(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

// 1. Start-up (--version, and a scan of one small file, each as a ratio to what Node itself pays), then scan at scale
// on the corpora of ../shared/bench/gen.py: 10,000 and 100,000 resources, every output format and `paths`, against
// parsing the same files with `yaml` alone (scripts/bench-scale.mjs). The 100,000 case takes minutes.
{
  const { benchScale, scaleRuns } = await import('./bench-scale.mjs');
  benchScale(scaleRuns(process.env));
}

// 2. Two deterministic corpora of 10,000 resources, 10 per file: a mixed one, and a findings-heavy one where
// every workload is hardened but for a few settings, so that nearly every container has findings to list.
const RESOURCES = 10_000;
const PER_FILE = 10;
const mixed = [deployment, service, configMap, pod, cronJob, daemonSet, role, roleBinding, serviceAccount, statefulSet];
// Per ten: five Deployments (their ServiceAccount is the fifth resource), two Services, two ServiceAccounts, a ConfigMap.
const D = hardenedDeployment;
const heavy = [D, D, service, D, serviceAccount, D, configMap, D, service, serviceAccount];
benchCorpus('mixed', mixed);
benchCorpus('findings-heavy', heavy);

// 2b. Admission: the mixed corpus with 50 policies (25 ValidatingAdmissionPolicies with their bindings, 25 Kyverno
// ClusterPolicies) in place of 75 of its resources, against the same corpus with 75 inert ConfigMaps there. Every
// scan simulates the probe pods against the policies; the difference is what the admission engine costs. The two
// are scanned alternately in one process, so that a machine busy with other work slows both alike.
{
  const POLICIES = 25;
  const inert = Array.from({ length: 3 * POLICIES }, (_, i) => configMap(RESOURCES + i));
  const policies = Array.from({ length: POLICIES }, (_, i) => [vap(i), vapBinding(i), kyvernoPolicy(i)]).flat();
  const corpora = { without: writeCorpus(mixed, inert), with: writeCorpus(mixed, policies) };
  const child = `
    const { run } = await import(${JSON.stringify(path.join(root, 'dist/cli/main.js'))});
    const io = { stdout: { write: () => {} }, stderr: { write: () => {} }, stdin: async () => Buffer.alloc(0), env: { NO_COLOR: '1' }, cwd: process.cwd() };
    const corpora = ${JSON.stringify(corpora)};
    const cpu = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };
    const wall = {}, cpuMs = {};
    for (let round = 0; round < ${RUNS}; round++) {
      for (const output of ['json', 'table']) {
        for (const side of ['without', 'with']) {
          const [start, startCpu] = [performance.now(), cpu()];
          await run(['scan', corpora[side], '-o', output], io);
          (wall[side + output] ??= []).push(performance.now() - start);
          (cpuMs[side + output] ??= []).push(cpu() - startCpu);
        }
      }
    }
    const fastest = (times) => Object.fromEntries(Object.entries(times).map(([key, list]) => [key, Math.min(...list)]));
    console.log(JSON.stringify({ wall: fastest(wall), cpu: fastest(cpuMs) }));
  `;
  const { wall, cpu } = JSON.parse(
    spawnSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8' }).stdout,
  );
  for (const dir of Object.values(corpora)) rmSync(dir, { recursive: true, force: true });
  const added = (times, output) => {
    const percent = (times[`with${output}`] / times[`without${output}`] - 1) * 100;
    return `${percent < 0 ? '' : '+'}${percent.toFixed(1)} %`;
  };
  for (const output of ['json', 'table']) {
    console.log(
      `admission ${2 * POLICIES} policies on ${RESOURCES} resources: scan -o ${output} ${wall[`with${output}`].toFixed(0)} ms, ` +
        `${wall[`without${output}`].toFixed(0)} ms with inert objects instead, alternated (fastest of ${RUNS}): ${added(wall, output)} ` +
        `(target ≤ 10 %); CPU time ${added(cpu, output)}`,
    );
  }
}

/** Writes `kinds` round-robin, `tail` (whole documents) in place of the last resources, into a new directory. */
function writeCorpus(kinds, tail = []) {
  const corpus = mkdtempSync(path.join(tmpdir(), 'kubematrix-bench-'));
  for (let file = 0; file < RESOURCES / PER_FILE; file++) {
    const docs = [];
    for (let i = 0; i < PER_FILE; i++) {
      const n = file * PER_FILE + i;
      const fromTail = n - (RESOURCES - tail.length);
      docs.push(fromTail >= 0 ? tail[fromTail] : kinds[n % kinds.length](n));
    }
    writeFileSync(path.join(corpus, `app-${String(file).padStart(4, '0')}.yaml`), docs.join('---\n'));
  }
  return corpus;
}

/** Scans a corpus of `kinds` written round-robin and prints the figures. */
function benchCorpus(label, kinds) {
  const corpus = writeCorpus(kinds);
  const files = readdirSync(corpus).length;
  // The CLI itself runs, in-process, into a sink that only counts what it would print: scan plus rendering, as a
  // user waits for it. Every measurement runs in one fresh process, alternating, so that none gets a warmer JIT
  // or a quieter machine; parsing alone with the yaml library and the same options is the floor any YAML-based
  // scanner stands on.
  const cli = `
    const { run } = await import(${JSON.stringify(path.join(root, 'dist/cli/main.js'))});
    const sink = { bytes: 0, lines: 0, kept: undefined };
    const io = { stdout: { write: (text) => { sink.bytes += text.length; sink.kept?.push(text); for (let i = text.indexOf('\\n'); i >= 0; i = text.indexOf('\\n', i + 1)) sink.lines++; } },
      stderr: { write: () => {} }, stdin: async () => Buffer.alloc(0), env: { NO_COLOR: '1' }, cwd: process.cwd() };
    const scan = async (output) => { sink.bytes = sink.lines = 0; await run(['scan', ${JSON.stringify(corpus)}, '-o', output], io); return { bytes: sink.bytes, lines: sink.lines }; };`;
  const child = `${cli}
    const { readdirSync, readFileSync } = await import('node:fs');
    const { parseAllDocuments } = await import(${JSON.stringify(path.join(root, 'node_modules/yaml/dist/index.js'))});
    const files = readdirSync(${JSON.stringify(corpus)}).map((name) => ${JSON.stringify(corpus)} + '/' + name);
    const time = async (fn) => { const start = process.hrtime.bigint(); await fn(); return Number(process.hrtime.bigint() - start) / 1e6; };
    const ms = { parse: [], json: [], table: [] };
    const out = {};
    for (let run = 0; run < ${RUNS}; run++) {
      ms.parse.push(await time(() => {
        for (const file of files) for (const doc of parseAllDocuments(readFileSync(file, 'utf8'), { version: '1.1' })) doc.toJS();
      }));
      for (const output of ['json', 'table']) ms[output].push(await time(async () => { out[output] = await scan(output); }));
    }
    sink.kept = [];
    await scan('json');
    const report = JSON.parse(sink.kept.join(''));
    // The fastest run: on a shared machine, noise only ever adds time.
    console.log(JSON.stringify({ parse: Math.min(...ms.parse), json: Math.min(...ms.json), table: Math.min(...ms.table), out,
      objects: report.source.objects, findings: report.findings.length, errors: report.errors.length }));
  `;
  // Memory as a user meets it: one scan in a fresh process.
  const once = (output) => `${cli}
    await scan(${JSON.stringify(output)});
    console.log(process.resourceUsage().maxRSS / 1024);
  `;
  const node = (script) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
  const m = JSON.parse(node(child));
  const rss = { json: Number(node(once('json'))), table: Number(node(once('table'))) };
  console.log(
    `\n${label.padEnd(9)} ${m.objects} objects in ${files} files (${m.findings} findings, ${m.errors} errors)`,
  );
  console.log(`parse     yaml only: ${m.parse.toFixed(0)} ms (fastest of ${RUNS})`);
  for (const output of ['json', 'table']) {
    const { bytes, lines } = m.out[output];
    console.log(
      `${output.padEnd(9)} scan -o ${output}: ${m[output].toFixed(0)} ms, ratio ${(m[output] / m.parse).toFixed(2)} (target ≤ 1.5); ` +
        `peak RSS ${rss[output].toFixed(0)} MB (target ≤ 300); ${(bytes / 1024).toFixed(0)} KB, ${lines} lines`,
    );
  }
  rmSync(corpus, { recursive: true, force: true });
  return m;
}

// 3. RBAC resolution.
{
  const { benchRbac } = await import('./bench-rbac.mjs');
  const rbac = await benchRbac();
  console.log(`rbac      ${rbac.subjects} subjects, ${rbac.rules} rules resolved in ${rbac.ms.toFixed(0)} ms`);
}

// 4. Attack paths over a cluster of 25,000 pods.
{
  const { benchPaths } = await import('./bench-paths.mjs');
  const paths = benchPaths();
  console.log(
    `paths     ${paths.pods} pods, ${paths.serviceAccounts} service accounts, ${paths.bindings} bindings: graph of ${paths.nodes} nodes and ${paths.edges} edges, ` +
      `${paths.paths} paths (${paths.pairs} entry → target pairs), ${paths.chokePoints} choke points in ${paths.pathsMs.toFixed(0)} ms, ${paths.pathsCpuMs.toFixed(0)} ms of CPU (target ≤ 5000 ms; the scan before it ${paths.scanMs.toFixed(0)} ms); ` +
      `peak RSS ${paths.maxRssMb.toFixed(0)} MB (target ≤ 1024 MB)`,
  );
}

// 5. Audit logs: a million events through bare JSON.parse and through the whole detection pipeline.
{
  const { benchAudit, formatAudit } = await import('./bench-audit.mjs');
  for (const figures of await benchAudit()) console.log(formatAudit(figures));
}

// 6. A live cluster of 25,000 pods served by the test API server (test/support/kube-api-server.ts, compiled here:
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

// 7. Hostile inputs at the default bounds: each must end in well under a few seconds with an error or a result.
{
  const { parseManifest } = await import('../dist/inputs/manifests.js');
  const { decodeSnapshot } = await import('../dist/inputs/cluster/snapshot.js');
  const { gzipSync } = await import('node:zlib');
  const keys = Array.from({ length: 80_000 }, (_, i) => `  k${i}: v`).join('\n');
  const configMap = Buffer.from(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n${keys}\n`);
  const cases = [
    ['80,000-key ConfigMap', () => parseManifest('cm.yaml', configMap)],
    ['2,000,000 empty documents', () => parseManifest('docs.yaml', Buffer.from('---\n'.repeat(2_000_000)))],
  ];
  for (const [label, run] of cases) console.log(`hostile   ${label}: ${time(run).toFixed(0)} ms`);
  const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024, ' '));
  const start = process.hrtime.bigint();
  await decodeSnapshot(bomb).catch(() => {});
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    `hostile   gzip snapshot of ${(bomb.length / 1e6).toFixed(1)} MB that expands to 256 MiB: refused in ${ms.toFixed(0)} ms`,
  );
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
/** A Deployment hardened as a team following the guides would write it, but for readOnlyRootFilesystem and a few more. */
function hardenedDeployment(n) {
  const pad = ' '.repeat(8);
  const container = (name, image, port) =>
    [
      `${pad}- name: ${name}`,
      `${pad}  image: ${image}`,
      `${pad}  ports:`,
      `${pad}  - containerPort: ${port}`,
      `${pad}  securityContext:`,
      `${pad}    runAsNonRoot: true`,
      `${pad}    allowPrivilegeEscalation: false`,
      `${pad}    capabilities: {drop: [ALL]}`,
      `${pad}    seccompProfile: {type: RuntimeDefault}`,
      ...(n % 97 === 0 ? [`${pad}    privileged: true`] : []),
      `${pad}  resources:`,
      `${pad}    limits: {cpu: 500m, memory: 256Mi}`,
    ].join('\n');
  const spec = [
    `      serviceAccountName: serviceaccount-${n - (n % 10) + 4}`,
    '      containers:',
    container('main', `registry.example.com/team-${n % 50}/app:${n % 13}.0.1`, 8080),
    container('proxy', 'registry.example.com/platform/envoy:1.30.2', 9901),
  ].join('\n');
  return `${meta('Deployment', n, 'apps/v1')}spec:\n  replicas: 2\n  selector:\n    matchLabels: {app: app-${n % 200}}\n  template:\n    metadata:\n      labels: {app: app-${n % 200}}\n    spec:\n${spec}\n`;
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
function vap(i) {
  const containers =
    i % 2 === 0
      ? 'object.spec.containers'
      : '(object.spec.containers + (has(object.spec.initContainers) ? object.spec.initContainers : []))';
  return `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: policy-${i}\nspec:\n  failurePolicy: Fail\n  matchConstraints:\n    resourceRules:\n    - apiGroups: [""]\n      apiVersions: [v1]\n      operations: [CREATE, UPDATE]\n      resources: [pods]\n  validations:\n  - expression: "${containers}.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged == false)"\n    message: no privileged containers (${i})\n`;
}
function vapBinding(i) {
  return `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata:\n  name: policy-${i}\nspec:\n  policyName: policy-${i}\n  validationActions: [${i % 3 === 0 ? 'Audit' : 'Deny'}]\n`;
}
function kyvernoPolicy(i) {
  const scope = i % 5 === 0 ? `\n          namespaces: [team-${i}]` : '';
  return `apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: kyverno-${i}\nspec:\n  validationFailureAction: ${i % 2 === 0 ? 'Enforce' : 'Audit'}\n  rules:\n  - name: host-path-${i}\n    match:\n      any:\n      - resources:\n          kinds: [Pod]${scope}\n    validate:\n      message: no hostPath volumes\n      pattern:\n        spec:\n          =(volumes):\n          - X(hostPath): "null"\n`;
}
