import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
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
