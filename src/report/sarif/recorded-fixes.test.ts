import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeShared, repoRoot, sharedDir } from '../../../test/paths.js';
import { catalog } from '../../../test/support/reports.js';
import { scanManifests } from '../../engine/scan.js';
import {
  type EditableYaml,
  editableYaml,
  lineStartsOf,
  planEdits,
  planRecorded,
  recordedOf,
} from '../../util/yaml-edit.js';
import { renderSarif } from './index.js';

/**
 * SARIF places most fixes from the offsets the scan recorded (planRecorded) instead of parsing the file again
 * (planEdits): for every finding with a fix, the replacements must be the parse's own, or the planner must have
 * left the finding to the parse.
 */
async function compare(inputs: readonly string[], cwd: string): Promise<{ recorded: number; parsed: number }> {
  const { report } = await scanManifests(inputs, { cwd });
  const files = new Map<string, EditableYaml>();
  let recorded = 0;
  let parsed = 0;
  for (const finding of report.findings) {
    const file = finding.location?.file;
    if (!finding.fix || file === undefined || file === '-') continue;
    let yaml = files.get(file);
    if (!yaml) {
      yaml = editableYaml(readFileSync(path.resolve(cwd, file), 'utf8'));
      files.set(file, yaml);
    }
    const edit = {
      line: finding.location?.line ?? 0,
      kind: finding.resource.kind,
      name: finding.resource.name,
      operations: finding.fix,
    };
    const kept = recordedOf(finding);
    const fromRecords = kept && planRecorded({ text: yaml.text, lineStarts: lineStartsOf(yaml.text) }, kept, edit);
    if (!fromRecords) {
      parsed++;
      continue;
    }
    const fromParse = planEdits(yaml, [edit]);
    expect({ file, edit, errors: fromParse.errors, replacements: fromRecords }).toEqual({
      file,
      edit,
      errors: [],
      replacements: fromParse.replacements,
    });
    recorded++;
  }
  return { recorded, parsed };
}

const dirs: string[] = [];
function written(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-recorded-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A Deployment whose container sets nothing: it gets fixes at the container and the pod. */
const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: registry.example/${name}:1.0
`;

describe('fixes placed from the recorded offsets are the parsed ones', () => {
  it('in the test fixtures and examples', async () => {
    const { recorded } = await compare(['examples', 'test/fixtures/fix'], repoRoot);
    expect(recorded).toBeGreaterThan(20);
  });

  // Each written so that its objects get fixes; `planned` says whether the records place them (else the parse does).
  const adversarial: [string, string, boolean][] = [
    ['CRLF line breaks', deployment('crlf').replaceAll('\n', '\r\n'), true],
    ['the last line without a line break', deployment('last').trimEnd(), true],
    [
      'comments after the entries, inside and at the end',
      `${deployment('comments').replace('      containers:\n', '      # the containers\n      containers: # inline\n')}          # trailing\n# the end\n`,
      true,
    ],
    [
      'indentation of 4',
      deployment('four')
        .replace(/^( +)/gm, (spaces) => spaces.repeat(2))
        .replace(`${' '.repeat(20)}image`, `${' '.repeat(18)}image`),
      true,
    ],
    [
      'a sequence at its parent key column',
      deployment('column').replace('        - name', '      - name').replace('          image', '        image'),
      true,
    ],
    ['quoted keys', deployment('quoted').replace('spec:\n      containers', '"spec":\n      \'containers\''), true],
    ['an empty securityContext mapping (flow)', `${deployment('empty')}          securityContext: {}\n`, false],
    ['a null securityContext', `${deployment('null')}          securityContext:\n`, false],
    [
      'a flow pod spec',
      deployment('flow').replace(
        / {4}spec:\n {6}containers:\n.*$/s,
        '    spec: {containers: [{name: flow, image: "registry.example/flow:1.0"}]}\n',
      ),
      false,
    ],
    [
      'an aliased container',
      `${deployment('alias').replace('        - name: alias\n          image: registry.example/alias:1.0\n', '        - *c\n')}`.replace(
        'metadata:\n  name: alias',
        'x-container: &c\n  name: alias\n  image: registry.example/alias:1.0\nmetadata:\n  name: alias',
      ),
      false,
    ],
    [
      'a merge key in the container',
      deployment('merge').replace(
        '          image: registry.example/merge:1.0\n',
        '          <<: {image: "registry.example/merge:1.0"}\n',
      ),
      false,
    ],
    [
      'a JSON manifest',
      `${JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'json' }, spec: { containers: [{ name: 'json', image: 'j:1' }] } }, null, 2)}\n`,
      false,
    ],
    [
      'a List',
      `apiVersion: v1\nkind: List\nitems:\n- ${deployment('listed').trimEnd().replaceAll('\n', '\n  ')}\n`,
      false,
    ],
    [
      'a quoted name',
      deployment('quoted-name').replace('name: quoted-name\n  namespace', 'name: "quoted-name"\n  namespace'),
      false,
    ],
  ];
  for (const [name, text, planned] of adversarial) {
    it(`with ${name}`, async () => {
      const dir = written({ 'a.yaml': `${deployment('other')}---\n${text}` });
      const { recorded, parsed } = await compare(['a.yaml'], dir);
      // The other object's 5 fixes come from the records always; this one's 5 as `planned` says.
      expect({ recorded, parsed }).toEqual(planned ? { recorded: 10, parsed: 0 } : { recorded: 5, parsed: 5 });
    });
  }
});

describe('a scan that writes no SARIF', () => {
  it('keeps no recorded offsets, and SARIF from its report places the same fixes by parsing', async () => {
    const dir = written({ 'a.yaml': deployment('web') });
    const [kept, spared] = await Promise.all([
      scanManifests(['.'], { cwd: dir, now: new Date(0) }),
      scanManifests(['.'], { cwd: dir, now: new Date(0), fixPlaces: false }),
    ]);
    const fixed = (report: typeof kept.report) => report.findings.filter((finding) => finding.fix);
    expect(fixed(kept.report).length).toBeGreaterThan(0);
    expect(fixed(kept.report).every((finding) => recordedOf(finding))).toBe(true);
    expect(fixed(spared.report).some((finding) => recordedOf(finding))).toBe(false);
    const sarif = (report: typeof kept.report) => [...renderSarif(report, { cwd: dir, catalog })].join('');
    expect(sarif(spared.report)).toBe(sarif(kept.report));
  });
});

describeShared('fixes placed from the recorded offsets, in the shared corpora', () => {
  it('in a generated corpus (gen.py)', async () => {
    const dir = written({});
    execFileSync('python3', [path.join(sharedDir, 'bench/gen.py'), 'manifests', dir, '300']);
    const { recorded, parsed } = await compare(['.'], dir);
    // Plain block YAML throughout: none needs the parse.
    expect({ recorded: recorded > 20, parsed }).toEqual({ recorded: true, parsed: 0 });
  });

  it('are the parsed ones', async () => {
    const { recorded } = await compare([path.join(sharedDir, 'corpora/manifests')], repoRoot);
    expect(recorded).toBeGreaterThan(0);
  });
});
