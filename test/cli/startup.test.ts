import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { binPath, repoRoot } from '../paths.js';
import { sampleCluster } from '../support/cluster.js';
import { startKubeApiServer } from '../support/kube-api-server.js';

/**
 * What the installed CLI loads to start (issue 24): a scan whose input holds no CEL loads neither CEL nor the
 * cluster client; one that does still evaluates its CEL. And the bundle's code cache is an optimisation only.
 */

const work = mkdtempSync(path.join(tmpdir(), 'kubematrix-startup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const POD = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
    - name: web
      image: nginx:1.27
      securityContext: {privileged: true}
`;
const POLICY = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-privileged}
spec:
  matchConstraints:
    resourceRules:
      - {apiGroups: [''], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
  validations:
    - expression: "object.spec.containers.all(c, !has(c.securityContext) || c.securityContext.privileged != true)"
      message: privileged containers are not allowed
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: no-privileged}
spec:
  policyName: no-privileged
  validationActions: [Deny]
`;
writeFileSync(path.join(work, 'pod.yaml'), POD);
writeFileSync(path.join(work, 'policy.yaml'), POLICY);

// Records every module the process loads: ESM through a resolve hook, CommonJS (require, createRequire) from
// require.cache at exit, Node's own as `node:NAME` from its list of loaded modules.
const hooks = path.join(work, 'hooks.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.KUBEMATRIX_TEST_MODULES, resolved.url + '\\n');
  return resolved;
}
`,
);
const preload = path.join(work, 'preload.mjs');
writeFileSync(
  preload,
  `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
register(${JSON.stringify(pathToFileURL(hooks).href)});
const require = createRequire(import.meta.url);
process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => 'node:' + entry.slice(13));
  appendFileSync(process.env.KUBEMATRIX_TEST_MODULES, [...Object.keys(require.cache), ...builtins].join('\\n'));
});
`,
);

function modulesLoadedBy(name: string, args: readonly string[]) {
  const log = path.join(work, `modules-${name}.txt`);
  writeFileSync(log, '');
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, binPath, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, KUBEMATRIX_TEST_MODULES: log, NO_COLOR: '1' },
  });
  return { ...result, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const CEL = /node_modules[\\/]@bufbuild[\\/]/;
const CLUSTER_CLIENT = /node_modules[\\/]@kubernetes[\\/]client-node[\\/]/;
const DEFERRED = /^node:(child_process|http|https|tls|v8|zlib)$/;

describe('start-up of the installed CLI', () => {
  it('scans a small file without loading CEL or the cluster client', () => {
    const scan = modulesLoadedBy('small', ['scan', path.join(work, 'pod.yaml'), '-o', 'json', '-q']);
    expect(scan.stderr).toBe('');
    expect(JSON.parse(scan.stdout).findings.length).toBeGreaterThan(0);
    // The recording works: it holds the loader (CommonJS); a later test sees CEL's modules in it.
    expect(scan.modules.some((module) => module.endsWith('dist/cli/load.cjs'))).toBe(true);
    expect(scan.modules.filter((module) => CEL.test(module) || CLUSTER_CLIENT.test(module))).toEqual([]);
    // Nor Node's modules for subprocesses, HTTP, gzip and heap settings, which modules on its way import
    // (scripts/build-cli.mjs defers them); net comes with standard output when that is a pipe.
    expect(scan.modules.some((module) => module === 'node:fs')).toBe(true);
    expect(scan.modules.filter((module) => DEFERRED.test(module))).toEqual([]);
  });

  it('loads a deferred Node module where it is used', () => {
    const corefile = path.join(work, 'coredns.yaml');
    writeFileSync(
      corefile,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\ndata:\n  Corefile: |\n    .:53 {\n        forward . 8.8.8.8\n    }\n',
    );
    const result = spawnSync(
      process.execPath,
      [binPath, 'scan', corefile, '-o', 'json', '-q', '--check', 'coredns-corefile'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    expect(result.stderr).toBe('');
    // The check tells addresses apart with node:net's isIP.
    expect((JSON.parse(result.stdout).findings as { message: string }[]).map((finding) => finding.message)).toEqual([
      "Corefile line 2: queries for '.' go to resolvers outside the cluster's networks (8.8.8.8)",
    ]);
  });

  it("starts as CommonJS, without Node's ES module machinery", () => {
    // Preloaded as CommonJS: an `--import` preload would bring up the machinery itself.
    const probe = path.join(work, 'esm-probe.cjs');
    writeFileSync(
      probe,
      `process.on('exit', () => require('node:fs').writeSync(2, process.moduleLoadList.filter((entry) => entry.includes('/esm/')).join('\\n')));`,
    );
    const small = spawnSync(process.execPath, ['-r', probe, binPath, 'scan', path.join(work, 'pod.yaml'), '-q'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(small.stdout).toContain('MS-TA9');
    // Node loads its ESM loader at every start; an ES module entry runs it: jobs, translators, resolution.
    expect(small.stderr).toContain('esm/loader');
    expect(small.stderr).not.toMatch(/esm\/(module_job|translators|resolve)/);
  });

  it('loads the cluster client for --cluster, from the bundle run with its code cache', async () => {
    const server = await startKubeApiServer({ objects: await sampleCluster() });
    const log = path.join(work, 'modules-cluster.txt');
    writeFileSync(log, '');
    try {
      // Not spawnSync: the API server answers from this process.
      const child = spawn(process.execPath, ['--import', pathToFileURL(preload).href, binPath, 'scan', '--cluster'], {
        cwd: repoRoot,
        env: { ...process.env, KUBECONFIG: server.kubeconfig(), KUBEMATRIX_TEST_MODULES: log },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const status = await new Promise((resolve) => child.on('close', resolve));
      expect(stderr).toBe('');
      expect(status).toBe(0);
      expect(stdout).toContain('MS-TA9');
      expect(
        readFileSync(log, 'utf8')
          .split('\n')
          .some((module) => CLUSTER_CLIENT.test(module)),
      ).toBe(true);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('loads CEL when a policy holds it, and evaluates it', () => {
    const args = ['scan', path.join(work, 'pod.yaml'), '--policies', path.join(work, 'policy.yaml'), '-o', 'json'];
    const scan = modulesLoadedBy('cel', [...args, '-q']);
    expect(scan.stderr).toBe('');
    expect(scan.modules.some((module) => CEL.test(module))).toBe(true);
    expect(scan.modules.some((module) => CLUSTER_CLIENT.test(module))).toBe(false);
    const rejected = (JSON.parse(scan.stdout).findings as { checkId: string; message: string }[]).filter(
      (finding) => finding.checkId === 'admission-rejected',
    );
    expect(rejected.map((finding) => finding.message).join('\n')).toContain('privileged containers are not allowed');
  });
});

describe("the bundle's code cache", () => {
  // What `npm run build` wrote. Each case runs in a process of its own: within one, V8 reuses the code it compiled
  // first and would not even read the cache of the next.
  const bundle = path.join(repoRoot, 'dist/cli-bundle/cli.cjs');
  const child = path.join(work, 'load.mjs');
  writeFileSync(
    child,
    `import { loadCli } from ${JSON.stringify(pathToFileURL(path.join(repoRoot, 'dist/cli/load.cjs')).href)};
const [bundle, cacheFile] = process.argv.slice(2);
const { cli, cache } = loadCli(bundle, cacheFile === 'none' ? null : cacheFile);
let out = '';
const io = { stdout: { write: (text) => (out += text) }, stderr: { write: () => true }, stdin: async () => Buffer.alloc(0), env: {}, cwd: process.cwd() };
const status = await cli.run(['scan', 'examples/shop', '-o', 'json', '-q'], io);
process.stdout.write(JSON.stringify({ cache, status, findings: JSON.parse(out).findings }));
`,
  );
  const scanWith = (cacheFile: string) => {
    const result = spawnSync(process.execPath, [child, bundle, cacheFile], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as { cache: string; status: number; findings: unknown[] };
  };

  it('is used by the Node that built it', () => {
    expect(scanWith(`${bundle}.cache`).cache).toBe('used');
  });

  it('missing, truncated, made for other code or older than the bundle, is not used and the CLI runs the same', () => {
    const cache = readFileSync(`${bundle}.cache`);
    const truncated = path.join(work, 'truncated.cache');
    writeFileSync(truncated, cache.subarray(0, cache.length / 2));
    const foreign = path.join(work, 'foreign.cache');
    writeFileSync(foreign, new vm.Script('1 + 1').createCachedData());
    const stale = path.join(work, 'stale.cache');
    writeFileSync(stale, cache);
    const before = new Date(statSync(bundle).mtimeMs - 60_000);
    utimesSync(stale, before, before);

    const expected = scanWith(`${bundle}.cache`);
    expect(expected.findings.length).toBeGreaterThan(0);
    for (const [cacheFile, status] of [
      [path.join(work, 'missing.cache'), 'missing'],
      ['none', 'missing'],
      [truncated, 'rejected'],
      [foreign, 'rejected'],
      [stale, 'stale'],
    ] as const) {
      const result = scanWith(cacheFile);
      expect({ cacheFile, cache: result.cache }).toEqual({ cacheFile, cache: status });
      expect(result.status).toBe(expected.status);
      expect(result.findings).toEqual(expected.findings);
    }
  });
});
