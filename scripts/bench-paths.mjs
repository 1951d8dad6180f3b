#!/usr/bin/env node
// Attack paths at scale: 25,000 pods, 2,000 service accounts and 10,000 role bindings, generated deterministically,
// scanned, then the graph, every shortest path to the targets and the choke points, in one fresh process so that its
// peak RSS is theirs. Prints figures, asserts nothing. Needs the build; scripts/bench.mjs calls benchPaths().
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ACCOUNTS_PER_NAMESPACE = 40; // 50 namespaces
const ROLE_BINDINGS = 10_000;

const child = `
  const { generateCluster } = await import(${JSON.stringify(new URL('./cluster.mjs', import.meta.url).href)});
  const { allChecks } = await import(${JSON.stringify(new URL('../dist/checks/index.js', import.meta.url).href)});
  const { Config } = await import(${JSON.stringify(new URL('../dist/config/index.js', import.meta.url).href)});
  const { analyze } = await import(${JSON.stringify(new URL('../dist/engine/analyze.js', import.meta.url).href)});
  const { buildInventory } = await import(${JSON.stringify(new URL('../dist/inventory/index.js', import.meta.url).href)});
  const { attackPaths } = await import(${JSON.stringify(new URL('../dist/paths/index.js', import.meta.url).href)});
  const objects = generateCluster({ accountsPerNamespace: ${ACCOUNTS_PER_NAMESPACE}, roleBindings: ${ROLE_BINDINGS} });
  const count = (kind) => objects.filter((object) => object.kind === kind).length;
  const start = performance.now();
  const { inventory } = buildInventory(objects.map((object) => ({ object, uri: 'k8s://bench/' + object.kind + '/' + object.metadata.name })), { complete: true });
  const { findings } = analyze(inventory, { checks: allChecks, config: Config.parse({}) });
  const scanned = performance.now();
  const cpu = process.cpuUsage();
  const result = attackPaths(inventory, findings);
  const done = performance.now();
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({
    pods: count('Pod'), serviceAccounts: count('ServiceAccount'), bindings: count('RoleBinding') + count('ClusterRoleBinding'),
    scanMs: scanned - start, pathsMs: done - scanned, pathsCpuMs: (used.user + used.system) / 1000, nodes: result.nodes.length, edges: result.edges.length,
    paths: result.paths.length, pairs: result.paths.reduce((sum, path) => sum + 1 + (path.alsoFrom?.length ?? 0), 0),
    chokePoints: result.chokePoints.length, maxRssMb: process.resourceUsage().maxRSS / 1024,
  }));
`;

export function benchPaths() {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', child], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`the paths benchmark failed (exit ${run.status})`);
  return JSON.parse(run.stdout);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(benchPaths());
