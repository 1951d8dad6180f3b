import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { run } from '../../src/cli/main.js';
import { auditEvent } from '../../src/detections/tester.js';
import { parseManifest } from '../../src/inputs/manifests.js';
import { Report } from '../../src/model/report.js';
import { reportFormats } from '../../src/report/index.js';
import { printable } from '../../src/report/terminal/text.js';
import { repoRoot } from '../paths.js';
import { cli } from './run.js';

const hostile = path.join(repoRoot, 'test/fixtures/hostile');
const canaryDir = path.join(hostile, 'canaries');
const configDir = path.join(hostile, 'configs');
const files = (dir: string) => readdirSync(dir).map((name) => path.join(dir, name));
const plain = { NO_COLOR: '1', FORCE_COLOR: undefined };

describe('no Secret value (or any other input value) reaches any output', () => {
  // Every fixture value is a unique canary; base64 fixtures name theirs in a comment. `latin1` keeps the bytes of
  // the one file that is not UTF-8.
  const explainCanary = 'kmcanaryExplainArgument';
  const canaries = [
    ...new Set([
      ...[...files(canaryDir), ...files(configDir)].flatMap((file) =>
        [...readFileSync(file, 'latin1').matchAll(/kmcanary\w*/g)].map(([canary]) => canary),
      ),
      explainCanary,
    ]),
  ];
  const forms = canaries.flatMap((canary) => [canary, Buffer.from(canary).toString('base64')]);

  const configs = files(configDir);
  const runs: [string, string[]][] = [
    // Every format the CLI offers: one added later is searched too.
    ...reportFormats.map(({ name: format }): [string, string[]] => [
      `scan -o ${format}`,
      ['scan', canaryDir, '-o', format],
    ]),
    ['scan --show-suppressed', ['scan', canaryDir, '--show-suppressed']],
    ...configs.flatMap((config) =>
      ['table', 'json'].map((format): [string, string[]] => [
        `scan --config ${path.basename(config)} -o ${format}`,
        ['scan', canaryDir, '--config', config, '-o', format],
      ]),
    ),
    ...['table', 'json'].flatMap((format): [string, string[]][] => [
      [`rbac who-can -o ${format}`, ['rbac', 'who-can', 'get', 'secrets', canaryDir, '-o', format]],
      [`rbac subject -o ${format}`, ['rbac', 'subject', 'sa/runner', canaryDir, '-n', 'app', '-o', format]],
      [`explain -o ${format}`, ['explain', explainCanary, '-o', format]],
    ]),
  ];

  it('has a corpus the parser quotes back: without our messages, canaries would be printed', () => {
    const quoting = files(canaryDir).filter((file) =>
      parseAllDocuments(readFileSync(file, 'utf8'), { version: '1.1' })
        .flatMap((document) => document.errors)
        .some((error) => error.message.includes('kmcanary')),
    );
    expect(quoting.length).toBeGreaterThanOrEqual(5);
  });

  it('reports every malformed file as a located input error', async () => {
    const { stdout } = await cli(['scan', canaryDir, '-o', 'json'], { env: plain });
    const report = Report.parse(JSON.parse(stdout));
    const malformed = files(canaryDir).filter((file) => path.basename(file) !== 'valid.yaml');
    for (const file of malformed) {
      expect(report.errors.map((error) => error.source)).toContain(file);
    }
    // The well-formed objects were read and assessed: their values reach checks, just never the output.
    expect(report.findings.map((finding) => finding.checkId)).toEqual(
      expect.arrayContaining(['credentials-in-env', 'credentials-in-configmap', 'privileged-container']),
    );
  });

  it('rejects each broken config with exit code 2, naming the file and where', async () => {
    for (const config of configs.filter((file) => !file.endsWith('check-options.yaml'))) {
      const { status, stderr } = await cli(['scan', canaryDir, '--config', config], { env: plain });
      expect(status).toBe(2);
      expect(stderr).toContain(config);
    }
  });

  it.each(runs)('%s prints no canary, plain or base64', async (_label, args) => {
    const { stdout, stderr } = await cli(args, { env: plain });
    const output = stdout + stderr;
    expect(output).not.toBe('');
    expect(forms.filter((form) => output.includes(form))).toEqual([]);
    // Partial quotes too (yaml quotes up to eight characters of a bad escape).
    expect(output).not.toContain('kmcanary');
  });
});

describe('no input reaches the terminal as control characters', () => {
  const source = path.join(hostile, 'escapes');
  // A hostile file name, made at run time: git and some file systems refuse such names in a repository.
  const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-hostile-'));
  const hostileFile = path.join(dir, 'fi\u001b[31m\r\u009b.yaml');
  copyFileSync(path.join(source, 'workload.yaml'), hostileFile);
  const config = path.join(source, 'config.yaml');

  // The values in escapes/workload.yaml and config.yaml, as they must appear: escaped.
  const shown = (text: string) => printable(text);
  const name = 'nm\u001b[31m\u001b]8;;http://evil.example/\u0007\r\b';
  const namespace = 'ns\u001b[2J\u009b1m\u202e';
  const serviceAccount = 'sa\u001b[31m\u001b]8;;x\u0007';
  const role = 'ro\u009b\u001b[8m';
  const expectations: [string, string[], string[]][] = [
    [
      'the findings table',
      ['scan', dir, '--config', config, '--show-suppressed'],
      [
        name,
        namespace,
        'ct\u001b[31m\n\u001b[0m\u001f', // container name
        'im\u001b[41m\u2069\u0000', // image
        'an\u001b[31m\u009b\r\u2066', // annotation suppression reason
        'cf\u001b[31m\u0007\u202e', // config suppression reason
        hostileFile,
        'pe\u001b[31m\u001b]0;title\u0007', // the name in an input error
      ],
    ],
    ['rbac who-can', ['rbac', 'who-can', 'get', 'secrets', dir], [serviceAccount, namespace, role, hostileFile]],
    [
      'rbac subject',
      ['rbac', 'subject', `sa/${serviceAccount}`, dir],
      [serviceAccount, namespace, role, 'rb\u001b[2J\b', 'rn\u001b[31m\r', 'dr\u001b[31m\r', hostileFile],
    ],
    // Its letters and digits (`host`) name several techniques, so the query is echoed with the candidates.
    ['explain candidates', ['explain', '\u001b[;\u0007host'], ['\u001b[;\u0007host']],
    ['explain without a match', ['explain', '\u001b[2Jzzz'], []],
    ['a bad config', ['scan', dir, '--config', path.join(source, 'bad-config.yaml')], []],
    ['commander errors', ['scan', dir, '-o', '\u001b[2J'], []],
  ];

  // Our own colours: SGR sequences. Input never survives as one: each value above also holds other controls.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  const ownColours = /\u001b\[[\d;]*m/g;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  const control = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

  describe.each([
    ['NO_COLOR', { NO_COLOR: '1', FORCE_COLOR: undefined }],
    ['FORCE_COLOR=1', { NO_COLOR: undefined, FORCE_COLOR: '1' }],
  ])('with %s', (setting, env) => {
    it.each(expectations)('%s escapes every input value', async (_what, args, values) => {
      const { stdout, stderr } = await cli(args, { env });
      const output = stdout + stderr;
      expect(output).not.toBe('');
      for (const value of values) expect(output).toContain(shown(value));
      if (setting === 'NO_COLOR') expect(output).not.toContain('\u001b');
      expect(output.replace(ownColours, '')).not.toMatch(control);
    });
  });

  it('colours the table under FORCE_COLOR=1, so that the test above tells colours from input', async () => {
    const { stdout } = await cli(['scan', dir], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(stdout).toMatch(ownColours);
  });

  it('keeps JSON exact: the values as written, escaped only as JSON escapes them', async () => {
    const { stdout } = await cli(['scan', dir, '-o', 'json'], { env: plain });
    const report = Report.parse(JSON.parse(stdout));
    expect(report.findings.map((finding) => finding.resource.name)).toContain(name);
    expect(report.findings.map((finding) => finding.location?.file)).toContain(hostileFile);
  });
});

describe('no input can stall, exhaust or widen a scan', () => {
  const pod = (name: string, annotations = '') =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: app\n${annotations}spec:\n  containers:\n  - name: c\n    image: nginx:1.25\n    securityContext: {privileged: true}\n`;
  /** A fresh folder holding `files`, and the well-formed pod `kept` beside them: it must be scanned whatever they do. */
  const folder = (files: Record<string, string | Buffer>) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-bounds-'));
    for (const [name, content] of Object.entries({ 'kept.yaml': pod('kept'), ...files })) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    }
    return dir;
  };
  const scanJson = async (args: string[], cwd: string, input?: string) => {
    const { stdout, stderr, status } = await cli(['scan', ...args, '-o', 'json'], { cwd, env: plain, input });
    return { report: Report.parse(JSON.parse(stdout)), stderr, status };
  };
  const names = (report: Report) => [...new Set(report.findings.map((finding) => finding.resource.name))].sort();
  const limits = (bounds: Record<string, number>) =>
    `limits:\n${Object.entries(bounds)
      .map(([key, value]) => `  ${key}: ${value}`)
      .join('\n')}\n`;

  it('refuses a file over limits.fileBytes without reading it, and scans the rest', async () => {
    const dir = folder({
      'big.yaml': pod('big').padEnd(2000, '#'),
      'small.yaml': pod('small'),
      'c.yml': limits({ fileBytes: 1000 }),
    });
    const { report } = await scanJson(['big.yaml', 'small.yaml', 'kept.yaml', '--config', 'c.yml'], dir);
    expect(report.errors).toEqual([
      { source: 'big.yaml', message: 'is more than 1,000 bytes (limits.fileBytes in .kubematrix.yaml); not read' },
    ]);
    expect(names(report)).toEqual(['kept', 'small']);
  });

  it('refuses a 200 MB manifest at the default bound without reading it (a sparse file: nothing is written)', async () => {
    const dir = folder({});
    writeFileSync(path.join(dir, 'huge.yaml'), '');
    truncateSync(path.join(dir, 'huge.yaml'), 200 * 1024 * 1024);
    const { report } = await scanJson(['.'], dir);
    expect(report.errors).toEqual([
      { source: 'huge.yaml', message: 'is more than 32 MiB (limits.fileBytes in .kubematrix.yaml); not read' },
    ]);
    expect(names(report)).toEqual(['kept']);
  });

  it('keeps no more of standard input than limits.fileBytes', async () => {
    const dir = folder({ 'c.yml': limits({ fileBytes: 1000 }) });
    const { report } = await scanJson(['-', 'kept.yaml', '--config', 'c.yml'], dir, pod('piped').padEnd(5000, '#'));
    expect(report.errors).toEqual([
      { source: '-', message: 'is more than 1,000 bytes (limits.fileBytes in .kubematrix.yaml); not read' },
    ]);
    expect(names(report)).toEqual(['kept']);
  });

  it('reads no document past limits.documentsPerFile (2,000,000 empty ones took 29 s), the earlier ones kept', async () => {
    const dir = folder({
      'many.yaml': `${pod('first')}${'---\n'.repeat(50)}`,
      'c.yml': limits({ documentsPerFile: 10 }),
    });
    const { report } = await scanJson(['.', '--config', 'c.yml'], dir);
    expect(report.errors).toEqual([
      {
        source: 'many.yaml',
        line: 20,
        column: 1,
        message:
          'holds more than 10 documents (limits.documentsPerFile in .kubematrix.yaml); the rest of the file was not read',
      },
    ]);
    expect(names(report)).toEqual(['first', 'kept']);
  });

  it('refuses a document over limits.nodesPerDocument, alias expansions counted, at the value past the bound', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `  k${i}: v`).join('\n');
    // Under the bound as written (an anchor of 20 values), over it once each alias expands.
    const anchored = Array.from({ length: 20 }, (_, i) => `    k${i}: v`).join('\n');
    const dir = folder({
      'keys.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keys}\ndata:\n${keys}\n`,
      'aliases.yaml': `apiVersion: v1\nkind: List\nitems:\n- &a\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: aliased}\n  data:\n${anchored}\n- *a\n- *a\n`,
      'c.yml': limits({ nodesPerDocument: 50 }),
    });
    const { report } = await scanJson(['.', '--config', 'c.yml'], dir);
    const message = 'a document of more than 50 values (limits.nodesPerDocument in .kubematrix.yaml)';
    expect(report.errors).toEqual([
      // Located at the value past the bound: in an expansion, inside the anchor expanded (as alias bombs are).
      { source: 'aliases.yaml', line: 22, column: 10, message },
      { source: 'keys.yaml', line: 49, column: 8, message },
    ]);
    expect(names(report)).toEqual(['kept']);
  });

  it('stops at limits.objects in all, saying in which file', async () => {
    const dir = folder({
      'a.yaml': pod('a'),
      'b.yaml': `${pod('b1')}---\n${pod('b2')}`,
      'c.yml': limits({ objects: 2 }),
    });
    const { report } = await scanJson(['a.yaml', 'b.yaml', 'kept.yaml', '--config', 'c.yml'], dir);
    expect(report.errors).toEqual([
      {
        source: 'b.yaml',
        message:
          'brings the scan to more than 2 objects (limits.objects in .kubematrix.yaml); the first were scanned, no further file was read',
      },
    ]);
    expect(report.source.objects).toBe(2);
    expect(names(report)).toEqual(['a', 'b1']);
  });

  it('finds duplicate keys in linear time: 80,000 keys at the default bounds, the duplicate located', () => {
    const keys = Array.from({ length: 80_000 }, (_, i) => `  k${i}: v`).join('\n');
    const manifest = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n${keys}\n`;
    const unique = parseManifest('big.yaml', Buffer.from(manifest));
    expect(unique.errors).toEqual([]);
    expect(Object.keys(unique.objects[0]?.object.data as object)).toHaveLength(80_000);
    expect(unique.objects[0]?.locate(['data', 'k79999'])).toMatchObject({ line: 80_005, column: 3 });
    const duplicated = parseManifest('big.yaml', Buffer.from(`${manifest}  k17: again\n`));
    expect(duplicated.errors).toEqual([
      { source: 'big.yaml', line: 80_006, column: 3, message: 'invalid YAML: map keys must be unique' },
    ]);
    // A JSON object, and keys Kubernetes reads as the same JSON string.
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'j' }, data: { a: '1' } });
    expect(parseManifest('j.json', Buffer.from(json.replace('"a":"1"', '"a":"1","a":"2"'))).errors).toHaveLength(1);
    expect(parseManifest('n.yaml', Buffer.from('kind: X\napiVersion: v1\n1: a\n"1": b\n')).errors).toEqual([
      { source: 'n.yaml', line: 4, column: 1, message: 'invalid YAML: map keys must be unique' },
    ]);
  });

  it('ends deep nesting and alias bombs with a located error, not a crash', async () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      laughs.push(
        `${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${`*${'abcdefghi'[i - 1]}, `.repeat(9)}*${'abcdefghi'[i - 1]}]`,
      );
    const dir = folder({
      'deep.yaml': `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      'laughs.yaml': `kind: X\n${laughs.join('\n')}\n`,
    });
    const { report } = await scanJson(['.'], dir);
    expect(report.errors.map((error) => [error.source, error.message])).toEqual([
      ['deep.yaml', 'nesting too deep to parse; not a Kubernetes object'],
      ['laughs.yaml', 'too many alias expansions (over 200): refusing a possible YAML alias bomb'],
    ]);
    expect(names(report)).toEqual(['kept']);
  });

  it('skips FIFOs, named or found in a folder, with a warning, instead of hanging on them', async () => {
    const dir = folder({ 'found/pod.yaml': pod('found') });
    execFileSync('mkfifo', [path.join(dir, 'found/pipe.yaml'), path.join(dir, 'named.yaml')]);
    const { report } = await scanJson(['found', 'named.yaml', 'kept.yaml'], dir);
    expect(report.warnings).toEqual([
      { code: 'skipped-input', message: 'found/pipe.yaml is a FIFO, not a regular file; skipped', locations: [] },
      { code: 'skipped-input', message: 'named.yaml is a FIFO, not a regular file; skipped', locations: [] },
    ]);
    expect(report.errors).toEqual([]);
    expect(names(report)).toEqual(['found', 'kept']);
  });

  it('follows no symbolic link out of the folders scanned, unless --follow-symlinks', async () => {
    const outside = folder({ 'theirs.yaml': pod('other-repository') });
    // A decoy: a link that stays inside is followed, here to a folder the walk itself skips.
    const dir = folder({ 'node_modules/pod.yaml': pod('inner') });
    symlinkSync(path.join(outside, 'theirs.yaml'), path.join(dir, 'theirs.yaml'));
    symlinkSync(outside, path.join(dir, 'their-folder'));
    symlinkSync(path.join(dir, 'node_modules/pod.yaml'), path.join(dir, 'inner.yaml'));
    const { report } = await scanJson(['.'], dir);
    expect(report.warnings.map((warning) => warning.message)).toEqual([
      'their-folder is a symbolic link to outside the scanned folders; not followed (--follow-symlinks to allow)',
      'theirs.yaml is a symbolic link to outside the scanned folders; not followed (--follow-symlinks to allow)',
    ]);
    expect(names(report)).toEqual(['inner', 'kept']);
    const followed = await scanJson(['.', '--follow-symlinks'], dir);
    expect(followed.report.warnings.filter((warning) => warning.code === 'skipped-input')).toEqual([]);
    expect(names(followed.report)).toEqual(['inner', 'kept', 'other-repository']);
  });

  describe('a gzip snapshot or audit log expands no further than limits.decompressedBytes', () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, ' '));

    it('refuses a snapshot bomb (28 MB that expand to 6 GB) at the bound, streamed', async () => {
      const dir = folder({ 'bomb.json.gz': bomb, 'c.yml': limits({ decompressedBytes: 1024 * 1024 }) });
      const { status, stderr } = await cli(['scan', 'bomb.json.gz', '--config', 'c.yml'], { cwd: dir, env: plain });
      expect(status).toBe(2);
      expect(stderr).toContain(
        'bomb.json.gz: expands to more than 1 MiB (limits.decompressedBytes in .kubematrix.yaml) when decompressed',
      );
    });

    it('refuses a snapshot of countless empty objects before building them', async () => {
      const objects = Array.from({ length: 1000 }, () => '{}').join(',');
      const snapshot = gzipSync(`{"snapshot":"kubematrix.io/snapshot/v1","objects":[${objects}]}`);
      const dir = folder({ 'empty.json.gz': snapshot, 'c.yml': limits({ nodesPerDocument: 500 }) });
      const { status, stderr } = await cli(['scan', 'empty.json.gz', '--config', 'c.yml'], { cwd: dir, env: plain });
      expect(status).toBe(2);
      expect(stderr).toContain(
        'empty.json.gz: holds more than 500 mappings and lists (limits.nodesPerDocument in .kubematrix.yaml)',
      );
    });

    it('reads an audit log up to the bound: the events before it count, the error says where it stopped', async () => {
      const events = Array.from({ length: 3 }, (_, i) => `${JSON.stringify(auditEvent({ auditID: `id-${i}` }))}\n`);
      const log = gzipSync(`${events.join('')}${' '.repeat(4 * 1024 * 1024)}\n`);
      const dir = folder({ 'audit.log.gz': log, 'c.yml': limits({ decompressedBytes: 1024 * 1024 }) });
      const { stdout } = await cli(['audit', 'audit.log.gz', '--config', 'c.yml', '-o', 'json'], {
        cwd: dir,
        env: plain,
      });
      const report = JSON.parse(stdout);
      expect(report.source.events).toBe(3);
      expect(report.errors).toEqual([
        expect.objectContaining({
          source: 'audit.log.gz',
          message:
            'expands to more than 1 MiB (limits.decompressedBytes in .kubematrix.yaml) when decompressed; the events before were read',
        }),
      ]);
    });
  });

  it('counts the mappings and lists of a long audit record before parsing it, and reads the next one', async () => {
    const event = JSON.stringify(auditEvent({ auditID: 'after' }));
    const empties = `[${Array.from({ length: 400_000 }, () => '{}').join(',')}]`;
    const dir = folder({ 'audit.log': `${empties}\n${event}\n`, 'c.yml': limits({ nodesPerDocument: 1000 }) });
    const { stdout } = await cli(['audit', 'audit.log', '--config', 'c.yml', '-o', 'json'], { cwd: dir, env: plain });
    const report = JSON.parse(stdout);
    expect(report.errors).toEqual([
      {
        source: 'audit.log',
        line: 1,
        message:
          'a record of more than 1,000 mappings and lists (limits.nodesPerDocument in .kubematrix.yaml), skipped',
      },
    ]);
    expect(report.source.events).toBe(1);
  });

  describe('inline suppressions', () => {
    const ignored = pod(
      'ignored',
      '  annotations:\n    kubematrix.io/ignore: "*"\n    kubematrix.io/ignore-reason: mine\n',
    );
    const gate = async (args: string[], files: Record<string, string> = {}) => {
      const dir = folder({ 'kept.yaml': ignored, ...files });
      return (await cli(['scan', '.', '--fail-on', 'high', ...args], { cwd: dir, env: plain })).status;
    };

    it('let the scanned input pass the gate by default', async () => {
      expect(await gate([])).toBe(0);
    });

    it('suppress nothing with --no-inline-suppressions or suppressions.inline: false', async () => {
      expect(await gate(['--no-inline-suppressions'])).toBe(1);
      expect(await gate(['--config', 'c.yml'], { 'c.yml': 'suppressions: {inline: false}\n' })).toBe(1);
    });

    it("leave the config file's own rules in force", async () => {
      const config = 'suppressions: {inline: false}\nignore: [{check: "*", name: ignored, reason: accepted}]\n';
      expect(await gate(['--config', 'c.yml'], { 'c.yml': config })).toBe(0);
    });
  });

  describe('invisible and control characters', () => {
    const hidden = [
      '\u200b',
      '\u200c',
      '\u200d',
      '\u2060',
      '\ufeff',
      '\u00ad',
      '\u180e',
      '\u206a',
      '\u206f',
      '\ufff9',
      '\ufffb',
      '\u{e0001}',
      '\u{e0041}',
      '\u{e007f}',
    ];
    const raw = ['\u0085', '\u009b', '\u202e', '\u2066', '\u2028', '\u2029'];

    it('escapes every format and tag character on the terminal, as it escapes bidi', () => {
      for (const char of hidden) expect(printable(`ad${char}min`)).not.toContain(char);
      expect(printable('ad\u200bmin')).toBe('ad\\u200bmin');
      expect(printable('a\u{e0041}')).toBe('a\\u{e0041}');
      // Decoys: visible text outside ASCII stays as written.
      expect(printable('café Ünïcödé 名前 ✓')).toBe('café Ünïcödé 名前 ✓');
    });

    it('shows `ad\\u200bmin` apart from `admin` in the table and in rbac', async () => {
      const name = `ad${hidden.join('')}min`;
      const role = `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: "${name}"}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: ServiceAccount, name: "${name}", namespace: app}]\n`;
      const dir = folder({ 'kept.yaml': pod(`"${name}"`), 'role.yaml': role });
      for (const args of [
        ['scan', '.'],
        ['rbac', 'who-can', 'get', 'secrets', '.'],
      ]) {
        const { stdout } = await cli(args, { cwd: dir, env: plain });
        expect(stdout).toContain(printable(name));
        for (const char of hidden) expect(stdout).not.toContain(char);
      }
    });

    it('escapes C1 controls, bidi and U+2028/2029 in JSON, and parses back to the exact value', async () => {
      const name = `nm${raw.join('')}${hidden.join('')}`;
      const dir = folder({ 'kept.yaml': pod(JSON.stringify(name)) });
      for (const args of [
        ['scan', '.', '-o', 'json'],
        ['scan', '.', '-o', 'sarif'],
      ]) {
        const { stdout } = await cli(args, { cwd: dir, env: plain });
        for (const char of [...raw, ...hidden]) expect(stdout).not.toContain(char);
        expect(stdout).toContain('\\u009b');
        if (args.includes('json')) expect(Report.parse(JSON.parse(stdout)).findings[0]?.resource.name).toBe(name);
      }
    });

    it('sets a name that GitHub would autolink in a code span in Markdown', async () => {
      const dir = folder({
        'kept.yaml': pod('web').replace(
          'name: c',
          'name: "c x https://evil.example/phish www.evil.example a@evil.example"',
        ),
      });
      const { stdout } = await cli(['scan', '.', '-o', 'markdown'], { cwd: dir, env: plain });
      expect(stdout).toContain('`https://evil.example/phish`');
      expect(stdout).toContain('`www.evil.example`');
      expect(stdout.replace(/`[^`]*`/g, '')).not.toMatch(/https:|www\.|@evil/);
    });
  });
});

describe("names that are Object.prototype's members", () => {
  // Kinds, namespaces, subject kinds, labels and audit fields named like the members of every JS object: a table
  // looked up by such a name must answer "unknown", not hand back Object.prototype's function (which crashed scans).
  const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
  const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-prototype-'));
  const manifests = names.flatMap((name, index) => [
    `apiVersion: v1\nkind: ${name}\nmetadata:\n  name: ${name}\n  namespace: ${name}\nspec:\n  template:\n    spec:\n      containers:\n      - name: ${name}\n        image: ${name}\n`,
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d${index}\n  namespace: ${name}\nspec:\n  template:\n    metadata:\n      labels: {${name}: x}\n    spec:\n      serviceAccountName: ${name}\n      containers:\n      - name: ${name}\n        image: ${name}\n        securityContext: {${name}: true, privileged: true, capabilities: {add: [${name}]}}\n`,
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b${index}\n  namespace: ${name}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ${name}, name: ${name}}\nsubjects:\n- {kind: ${name}, name: ${name}, namespace: ${name}}\n`,
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: ${name}\n  namespace: ${name}\nrules:\n- {apiGroups: ["${name}"], resources: ["${name}"], verbs: ["${name}"]}\n`,
  ]);
  writeFileSync(path.join(dir, 'prototype.yaml'), manifests.join('---\n'));
  writeFileSync(
    path.join(dir, 'audit.log'),
    `${names
      .map((name, index) =>
        JSON.stringify(
          auditEvent({
            auditID: `p${index}`,
            verb: name,
            user: { username: name, groups: [name] },
            objectRef: { resource: name, subresource: name, namespace: name, name, apiGroup: name },
            requestObject: { kind: name, apiVersion: name, metadata: { name }, spec: { template: {} } },
          }),
        ),
      )
      .join('\n')}\n`,
  );

  it.each(reportFormats.map(({ name }) => name))('scan -o %s reads every object and reports', async (format) => {
    const { status, stderr } = await cli(['scan', 'prototype.yaml', '-o', format], { cwd: dir, env: plain });
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('keeps every object in the report, and finds the privileged Deployments in those namespaces', async () => {
    const { stdout, status } = await cli(['scan', 'prototype.yaml', '-o', 'json'], { cwd: dir, env: plain });
    expect(status).toBe(0);
    const report = Report.parse(JSON.parse(stdout));
    expect(report.source.objects).toBe(manifests.length);
    const privileged = report.findings.filter((finding) => finding.checkId === 'privileged-container');
    expect(privileged.map((finding) => finding.resource.namespace).sort()).toStrictEqual([...names].sort());
  });

  it.each([
    ['paths', ['paths', 'prototype.yaml']],
    ['rbac who-can', ['rbac', 'who-can', 'get', 'secrets', 'prototype.yaml']],
    ['fix', ['fix', 'prototype.yaml', '-o', 'json']],
    ['audit', ['audit', 'audit.log', '-o', 'json']],
  ])('%s runs to its end', async (_label, args) => {
    const { status, stdout, stderr } = await cli(args, { cwd: dir, env: plain });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    // A table's answer for such a name would be Object.prototype's function, printed as its source.
    expect(stdout).not.toContain('[native code]');
  });
});

describe('a defect of ours', () => {
  it('exits 3, not 1 (findings) or 2 (input), with where it happened and not its message, which may quote input', async () => {
    const canary = 'kmcanaryInternalError';
    let stderr = '';
    const status = await run(['matrix'], {
      stdout: {
        write: () => {
          throw new TypeError(`cannot write ${canary}`);
        },
      },
      stderr: { write: (text: string) => (stderr += text) },
      stdin: async () => Buffer.alloc(0),
      env: plain,
      cwd: repoRoot,
    });
    expect(status).toBe(3);
    expect(stderr).toMatch(/^kubematrix: internal error \(TypeError\)/);
    expect(stderr).toMatch(/\n {0,}at /);
    expect(stderr).not.toContain(canary);
  });
});
