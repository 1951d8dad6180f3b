import { type SpawnSyncOptions, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { describeWithTool, repoRoot } from '../paths.js';

/**
 * The install paths, each run as a user would run it: the npm tarball installed with production dependencies only,
 * the container image's filesystem, the GitHub Action's steps and the pre-commit hook. One `npm pack` and one
 * install serve them all. npm prefers its cache, which `npm ci` filled with the packages; installing a tarball also
 * needs the registry's metadata of its dependencies (a lockfile has none), which npm fetches once and then caches:
 * the one request to outside loopback in the tests, the one a user's install makes too.
 */

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  type: string;
  engines: { node: string };
  bin: Record<string, string>;
  exports: Record<string, Record<string, string>>;
  files: string[];
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

const work = mkdtempSync(path.join(tmpdir(), 'kubematrix-install-'));
/** Where the tarball is installed: an empty folder, as a user's. */
const app = path.join(work, 'app');
const offline = {
  ...process.env,
  npm_config_prefer_offline: 'true',
  npm_config_update_notifier: 'false',
  NO_COLOR: '1',
};
let packed: { filename: string; files: { path: string }[] };

function run(command: string, args: readonly string[], options: SpawnSyncOptions = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', env: offline, ...options });
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

function mustRun(command: string, args: readonly string[], options: SpawnSyncOptions = {}) {
  const result = run(command, args, options);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
  return result;
}

beforeAll(() => {
  // dist/ is what `npm test` just built; `prepare` would build it again.
  const out = mustRun('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: repoRoot });
  packed = (JSON.parse(out.stdout) as (typeof packed)[])[0] as typeof packed;
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), '{"private": true}\n');
  mustRun('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', path.join(work, packed.filename)], { cwd: app });
}, 600_000);

// Several copies of node_modules (the install, the image's layers): removed in the background, not waited for.
afterAll(() => spawn('rm', ['-rf', work], { detached: true, stdio: 'ignore' }).unref());

describe('the npm package', () => {
  const files = () => packed.files.map((file) => file.path);

  it('holds what runs and nothing of the build: dist/, bin/, the example, no sources, tests or configs', () => {
    expect(files()).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'bin/kubematrix.js', 'dist/index.js']),
    );
    expect(files().filter((file) => file.startsWith('examples/shop/')).length).toBeGreaterThan(3);
    const stray = files().filter(
      (file) =>
        /^(src|test|scripts|node_modules|\.ci)\//.test(file) ||
        /(^|\/)(tsconfig.*|biome|vitest\.config\.ts|\.kubematrix\.yaml)/.test(file) ||
        (file.endsWith('.ts') && !file.endsWith('.d.ts')) ||
        file.endsWith('.test.js'),
    );
    expect(stray).toEqual([]);
  });

  // The publint-style rules of docs/install.md, checked on the tarball as published.
  it('declares entry points that exist in the tarball, ESM first-class and types first', () => {
    expect(pkg.type).toBe('module');
    for (const target of Object.values(pkg.bin)) {
      expect(files()).toContain(path.posix.normalize(target));
      expect(readFileSync(path.join(repoRoot, target), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    }
    expect(Object.keys(pkg.bin).sort()).toEqual(['kubectl-matrix', 'kubematrix']);
    const root = pkg.exports['.'] ?? {};
    // TypeScript reads the first condition that matches: `types` must come before `import`.
    expect(Object.keys(root)).toEqual(['types', 'import']);
    for (const target of Object.values(root)) expect(files()).toContain(path.posix.normalize(target));
    // Every `files` entry ships something.
    for (const entry of pkg.files) expect(files().some((file) => file.startsWith(`${entry}/`))).toBe(true);
  });

  it('installs without building: no install scripts, no build tool among the dependencies, and a Node it runs on', () => {
    expect(Object.keys(pkg.scripts).filter((name) => /^(pre|post)?install$/.test(name))).toEqual([]);
    expect(Object.keys(pkg.dependencies).filter((name) => name in pkg.devDependencies)).toEqual([]);
    expect(pkg.engines.node).toMatch(/^>=20\.\d+$/);
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const [, wantMajor = 0, wantMinor = 0] = pkg.engines.node.match(/(\d+)\.(\d+)/)?.map(Number) ?? [];
    expect(major > wantMajor || (major === wantMajor && minor >= wantMinor)).toBe(true);
    // Installed with --omit=dev: no package only the development tree needs came along (a dev dependency that a
    // dependency also needs, such as @types/node, may).
    const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.keys(pkg.devDependencies).filter((name) => lock.packages[`node_modules/${name}`]?.dev);
    expect(devOnly).toEqual(expect.arrayContaining(['typescript', 'vitest']));
    expect(devOnly.filter((name) => existsSync(path.join(app, 'node_modules', name)))).toEqual([]);
  });

  it('runs where it is installed: npx kubematrix scan, kubectl matrix (the kubectl-matrix plugin) and the library', () => {
    const example = 'node_modules/kubematrix/examples/shop';
    const scan = run('npx', ['--no-install', 'kubematrix', 'scan', example, '--fail-on', 'critical'], { cwd: app });
    expect(scan.stderr).toMatch(/unsuppressed findings? at or above critical/);
    expect(scan.status).toBe(1);
    expect(scan.stdout).toMatch(/^\d+ findings .* in 13 objects from 6 files\.$/m);
    // kubectl finds plugins as kubectl-NAME on the PATH and runs them with the rest of the command line.
    const plugin = run('kubectl-matrix', ['scan', example, '-o', 'json'], {
      cwd: app,
      env: { ...offline, PATH: `${path.join(app, 'node_modules/.bin')}${path.delimiter}${process.env.PATH}` },
    });
    expect(plugin.status).toBe(0);
    expect(JSON.parse(plugin.stdout).source.objects).toBe(13);
    expect(run(path.join(app, 'node_modules/.bin/kubematrix'), ['--version']).stdout.trim()).toBe(pkg.version);
    const library = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { scanManifests } = await import('kubematrix'); const { report } = await scanManifests(['${example}']); console.log(report.findings.length > 0)`,
      ],
      { cwd: app },
    );
    expect(library.stdout.trim()).toBe('true');
  }, 120_000);
});

describe('the Dockerfile and deploy/', () => {
  const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const final = stages.at(-1) ?? '';

  it('ends in a slim Node 20 stage that runs kubematrix as a numeric non-root user, with no RUN', () => {
    expect(stages.length).toBeGreaterThan(1);
    expect(final).toMatch(/^node:20[\w.-]*-slim\b/);
    expect(final).toMatch(/^ENTRYPOINT \["kubematrix"\]$/m);
    expect(final).toMatch(/^USER [1-9]\d*:[1-9]\d*$/m);
    // Nothing runs in the final stage, so nothing in it needs a shell.
    expect(final).not.toMatch(/^RUN /m);
    expect(final).toMatch(/^COPY --from=build \/opt\/kubematrix \/opt\/kubematrix$/m);
  });

  it('is what deploy/ runs, with arguments and no shell', () => {
    const docs = readFileSync(path.join(repoRoot, 'deploy/cronjob.yaml'), 'utf8');
    const cronJob = docs
      .split(/^---$/m)
      .map((doc) => parse(doc))
      .find((doc) => doc?.kind === 'CronJob');
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    const containers = [...pod.initContainers, ...pod.containers] as {
      image: string;
      command?: string[];
      args: string[];
    }[];
    expect(containers.map((c) => [c.image, c.command, c.args[0]])).toEqual([
      ['kubematrix:0.1.0', undefined, 'snapshot'],
      ['kubematrix:0.1.0', undefined, 'scan'],
    ]);
    expect(docs).not.toMatch(/\/bin\/sh|example\/kubematrix/);
  });
});

describeWithTool('buildah', 'the container image', () => {
  it('holds everything a scan needs: built from scratch as the final stage is, it scans the example as user 65532 on a read-only root', () => {
    // The final stage's filesystem: Node and the libraries it links, /usr/bin/env for the bin's #!, and the
    // production install of the tarball, as `npm install --omit=dev` left it in the build stage.
    const root = path.join(work, 'rootfs');
    const copy = (from: string, to = from) => cpSync(from, path.join(root, to), { dereference: true });
    copy(process.execPath, '/usr/local/bin/node');
    copy('/usr/bin/env');
    for (const binary of [process.execPath, '/usr/bin/env']) {
      for (const [, library] of mustRun('ldd', [binary]).stdout.matchAll(/(\/\S+) \(0x/g)) copy(library as string);
    }
    // Relative links kept as they are (node_modules/.bin), as COPY keeps them.
    cpSync(path.join(app, 'node_modules'), path.join(root, 'opt/kubematrix/node_modules'), {
      recursive: true,
      verbatimSymlinks: true,
    });
    const storage = [
      '--root',
      path.join(work, 'storage'),
      '--runroot',
      path.join(work, 'run'),
      '--storage-driver',
      'vfs',
    ];
    const buildah = (...args: string[]) => mustRun('buildah', [...storage, ...args]).stdout.trim();
    const container = buildah('from', 'scratch');
    buildah('copy', container, root, '/');
    buildah(
      'config',
      '--entrypoint',
      '["kubematrix"]',
      '--user',
      '65532:65532',
      '--env',
      'PATH=/opt/kubematrix/node_modules/.bin:/usr/local/bin:/usr/bin:/bin',
      '--env',
      'NODE_ENV=production',
      '--workingdir',
      '/work',
      container,
    );
    const archive = path.join(work, 'kubematrix.oci.tar');
    buildah('commit', container, `oci-archive:${archive}`);
    buildah('rm', container);

    // Unpacked as a runtime would: index, manifest, config, then the layers in order.
    const oci = path.join(work, 'oci');
    mkdirSync(oci);
    mustRun('tar', ['-xf', archive, '-C', oci]);
    const blob = (digest: string) => path.join(oci, 'blobs', ...digest.split(':'));
    const index = JSON.parse(readFileSync(path.join(oci, 'index.json'), 'utf8'));
    const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), 'utf8'));
    const config = JSON.parse(readFileSync(blob(manifest.config.digest), 'utf8')).config;
    expect(config).toMatchObject({ Entrypoint: ['kubematrix'], User: '65532:65532', WorkingDir: '/work' });
    const unpacked = path.join(work, 'unpacked');
    mkdirSync(unpacked);
    for (const layer of manifest.layers) mustRun('tar', ['-xf', blob(layer.digest), '-C', unpacked]);
    // The input, as a volume mounted at the working directory would be.
    cpSync(path.join(repoRoot, 'examples/shop'), path.join(unpacked, 'work/shop'), { recursive: true });

    // The entrypoint, resolved on the image's PATH, with nothing from this machine beside it.
    const env = Object.fromEntries((config.Env as string[]).map((entry) => entry.split(/=(.*)/s).slice(0, 2)));
    // The tools come from this machine's PATH, what they run from the image's. In a mount namespace of its own the
    // root filesystem is remounted read-only, as `readOnlyRootFilesystem: true` leaves it, then entered as 65532.
    const [unshare = 'unshare', mount, chroot] = ['unshare', 'mount', 'chroot'].map((tool) =>
      mustRun('sh', ['-c', `command -v ${tool}`]).stdout.trim(),
    );
    const enter = `${mount} --bind "$0" "$0" && ${mount} -o remount,bind,ro "$0" && exec ${chroot} --userspec=65532:65532 "$0" "$@"`;
    const inImage = (...args: string[]) =>
      run(unshare, ['--mount', '--propagation', 'private', '/bin/sh', '-c', enter, unpacked, ...args], { env });
    const scan = inImage(...config.Entrypoint, 'scan', '/work/shop', '-o', 'json');
    expect(scan.stderr).toBe('');
    expect(scan.status).toBe(0);
    const report = JSON.parse(scan.stdout);
    expect(report.source.objects).toBe(13);
    expect(report.findings.length).toBeGreaterThan(10);
    // The decoy: the same mount refuses a write, so the scan above wrote nothing to the root filesystem.
    const write = inImage('/usr/local/bin/node', '-e', "require('fs').writeFileSync('/work/x', '')");
    expect(write.stderr).toMatch(/EROFS: read-only file system/);
  }, 180_000);
});

const NO_PRIVILEGED = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-privileged}
spec:
  matchConstraints:
    resourceRules:
      - {apiGroups: ['*'], apiVersions: ['*'], operations: [CREATE, UPDATE], resources: [pods, cronjobs, deployments, daemonsets, statefulsets, jobs]}
  variables:
    - name: spec
      expression: "object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec"
  validations:
    - expression: "variables.spec.containers.all(c, !(has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged))"
      message: no privileged containers
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: no-privileged}
spec: {policyName: no-privileged, validationActions: [Deny]}
`;

const TEAM_LABEL = `rules:
  - id: team-label
    title: Deployment without a team label
    severity: low
    techniques: [MS-TA9039]
    match: {kinds: [Deployment]}
    validations:
      - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
        message: every Deployment names its team
`;

describe('the GitHub Action', () => {
  const action = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: { id?: string; shell: string; run: string; env?: Record<string, string> }[] };
  };

  /**
   * Runs the action's steps as the runner does: each `run` through `bash -eo pipefail`, with its `env` (inputs and
   * `github.action_path` expanded), GITHUB_OUTPUT, GITHUB_WORKSPACE and RUNNER_TEMP set, from the workspace.
   */
  function runAction(inputs: Record<string, string>, files: Record<string, string> = {}) {
    const workspace = mkdtempSync(path.join(work, 'workspace-'));
    cpSync(path.join(repoRoot, 'examples/shop'), path.join(workspace, 'deploy'), { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(workspace, name), text);
    const output = path.join(workspace, '.github-output');
    writeFileSync(output, '');
    const values = { ...Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default])), ...inputs };
    const expand = (text: string) =>
      text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => {
        if (name === 'github.action_path') return repoRoot;
        const input = name.match(/^inputs\.(.+)$/)?.[1];
        if (input === undefined || !(input in values)) throw new Error(`unexpected expression ${name}`);
        return values[input] as string;
      });
    const statuses: (number | null)[] = [];
    for (const step of action.runs.steps) {
      expect(step.shell).toBe('bash');
      const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, expand(value)]));
      const result = run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
        cwd: workspace,
        env: {
          ...offline,
          ...env,
          GITHUB_OUTPUT: output,
          GITHUB_WORKSPACE: workspace,
          GITHUB_ACTION_PATH: repoRoot,
          RUNNER_TEMP: work,
        },
      });
      statuses.push(result.status);
      if (result.status !== 0) break;
    }
    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    );
    return { workspace, statuses, outputs };
  }

  it('is a composite action whose sarif output is the scan step’s', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs).sort()).toEqual(
      ['baseline', 'config', 'fail-on', 'formats', 'paths', 'policies', 'rules', 'sarif-file'].sort(),
    );
    expect(action.outputs.sarif?.value).toMatch(/^\$\{\{ steps\.scan\.outputs\.sarif \}\}$/);
    // Inputs reach the scripts through env only: an input holding shell syntax stays data.
    for (const step of action.runs.steps) expect(step.run).not.toMatch(/\$\{\{/);
  });

  it('scans the paths, writes the SARIF and the other formats, and fails the step on --fail-on', () => {
    const failing = runAction({ paths: 'deploy', formats: 'markdown=comment.md junit=tests.xml', 'fail-on': 'high' });
    expect(failing.statuses).toEqual([0, 1]);
    expect(failing.outputs).toEqual({ sarif: 'kubematrix.sarif' });
    const sarif = JSON.parse(readFileSync(path.join(failing.workspace, 'kubematrix.sarif'), 'utf8'));
    expect(sarif.runs[0].results.length).toBeGreaterThan(10);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/^deploy\//);
    expect(readFileSync(path.join(failing.workspace, 'comment.md'), 'utf8')).toMatch(/^## kubematrix/);
    expect(readFileSync(path.join(failing.workspace, 'tests.xml'), 'utf8')).toMatch(/<testsuites /);

    // Without fail-on the step passes; against its own report as baseline, nothing is new.
    const json = path.join(failing.workspace, 'old.json');
    const passing = runAction({ paths: 'deploy', formats: `json=${json}`, 'sarif-file': 'k.sarif' });
    expect(passing.statuses).toEqual([0, 0]);
    expect(passing.outputs).toEqual({ sarif: 'k.sarif' });
    const gated = runAction({ paths: 'deploy', baseline: json, 'fail-on': 'low' });
    expect(gated.statuses).toEqual([0, 0]);
  }, 120_000);

  it('checks the paths against the cluster policies and custom rules it is given', () => {
    const { workspace, statuses } = runAction(
      { paths: 'deploy', policies: 'no-privileged.yaml', rules: 'rules.yaml' },
      { 'no-privileged.yaml': NO_PRIVILEGED, 'rules.yaml': TEAM_LABEL },
    );
    expect(statuses).toEqual([0, 0]);
    const sarif = JSON.parse(readFileSync(path.join(workspace, 'kubematrix.sarif'), 'utf8'));
    const results = sarif.runs[0].results as { ruleId: string; message: { text: string } }[];
    // The example's privileged backup job is what the policy refuses; every Deployment lacks the rule's label.
    const rejected = results.filter((result) => result.ruleId === 'admission-rejected');
    expect(rejected.map((result) => result.message.text)).toEqual([
      expect.stringMatching(/nightly-backup.*no privileged/s),
    ]);
    expect(results.filter((result) => result.ruleId === 'team-label').length).toBeGreaterThan(0);
  }, 120_000);
});

describeWithTool('pre-commit', 'the pre-commit hook', () => {
  it('fails a commit of the example on its high findings, and passes deploy/, with pre-commit try-repo', () => {
    const hooks = parse(readFileSync(path.join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8'));
    expect(hooks).toEqual([expect.objectContaining({ id: 'kubematrix', entry: 'kubematrix scan --fail-on high' })]);
    const project = path.join(work, 'project');
    cpSync(path.join(repoRoot, 'examples/shop'), path.join(project, 'shop'), { recursive: true });
    cpSync(path.join(repoRoot, 'deploy'), path.join(project, 'deploy'), { recursive: true });
    writeFileSync(path.join(project, 'notes.md'), 'not a manifest\n');
    const git = (...args: string[]) =>
      mustRun('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: project });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'manifests');
    // The hook runs the kubematrix on the PATH: here, the one installed from the tarball.
    const env = {
      ...offline,
      PRE_COMMIT_HOME: path.join(work, 'pre-commit'),
      PATH: `${path.join(app, 'node_modules/.bin')}${path.delimiter}${process.env.PATH}`,
    };
    const tryRepo = (...files: string[]) =>
      run('pre-commit', ['try-repo', repoRoot, 'kubematrix', '--files', ...files], { cwd: project, env });
    const shop = tryRepo('shop/backup.yaml', 'shop/namespace.yaml', 'notes.md');
    expect(shop.stdout).toMatch(/kubematrix \(Threat Matrix for Kubernetes\)\.+Failed/);
    expect(shop.stdout).toMatch(/unsuppressed findings? at or above high/);
    expect(shop.status).toBe(1);
    const clean = tryRepo(
      'deploy/cronjob.yaml',
      'deploy/rbac.yaml',
      'deploy/serviceaccount.yaml',
      'deploy/namespace.yaml',
    );
    expect(clean.stdout).toMatch(/kubematrix \(Threat Matrix for Kubernetes\)\.+Passed/);
    expect(clean.status).toBe(0);
  }, 180_000);
});
