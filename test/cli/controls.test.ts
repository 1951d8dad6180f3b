import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Report } from '../../src/model/report.js';
import { cli } from './run.js';

const pod = `apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop}
spec:
  containers: [{name: api, image: registry.example.com/api:1.0}]
`;
const mfa = (status: string) => `controls:
- mitigation: MS-M9001
  status: ${status}
  evidence: conditional access policy CA-01
`;

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-controls-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const cloudCredentials = (stdout: string) =>
  Report.parse(JSON.parse(stdout)).techniques.find((technique) => technique.id === 'MS-TA9001');

describe('kubematrix scan --controls', () => {
  it('reads kubematrix-controls.yaml from the working directory, and --controls FILE instead of it', async () => {
    const dir = workspace({
      'pod.yaml': pod,
      'kubematrix-controls.yaml': mfa('implemented'),
      'partial.yaml': mfa('partial'),
    });
    const byDefault = await cli(['scan', 'pod.yaml', '-o', 'json'], { cwd: dir });
    expect(byDefault.status).toBe(0);
    expect(cloudCredentials(byDefault.stdout)).toMatchObject({
      status: 'declared',
      mitigations: {
        present: [
          { id: 'MS-M9001', by: 'declared', status: 'implemented', evidence: ['conditional access policy CA-01'] },
        ],
      },
    });
    const given = await cli(['scan', 'pod.yaml', '-o', 'json', '--controls', 'partial.yaml'], { cwd: dir });
    expect(cloudCredentials(given.stdout)).toMatchObject({
      status: 'weakened',
      mitigations: { missing: [{ id: 'MS-M9001', by: 'declared', status: 'partial' }] },
    });
    // Without a controls file the question stays a question.
    const none = await cli(['scan', 'pod.yaml', '-o', 'json'], { cwd: workspace({ 'pod.yaml': pod }) });
    expect(cloudCredentials(none.stdout)?.status).toBe('question');
  });

  it('refuses an invalid or missing controls file with exit code 2, naming file, line and field', async () => {
    const dir = workspace({ 'pod.yaml': pod, 'bad.yaml': mfa('done-s3cr3t') });
    const bad = await cli(['scan', 'pod.yaml', '--controls', 'bad.yaml'], { cwd: dir });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('bad.yaml:3: controls[0].status: must be one of');
    expect(bad.stderr).not.toContain('s3cr3t');
    expect(bad.stdout).toBe('');
    const missing = await cli(['scan', 'pod.yaml', '--controls', 'nowhere.yaml'], { cwd: dir });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read controls file nowhere.yaml');
  });
});

describe('kubematrix controls init', () => {
  it('prints the template, every entry unanswered: a scan with it is the scan without it', async () => {
    const { status, stdout } = await cli(['controls', 'init']);
    expect(status).toBe(0);
    expect(stdout).toContain('  - mitigation: MS-M9031\n    status: unknown # implemented | partial | not-implemented');
    expect(stdout).toContain('  # MS-M9001 Multi-factor authentication\n  # What counts: Require multi-factor');
    const scan = async (files: Record<string, string>) => {
      const result = await cli(['scan', 'pod.yaml', '-o', 'json'], { cwd: workspace({ 'pod.yaml': pod, ...files }) });
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      const { scannedAt: _, ...report } = JSON.parse(result.stdout);
      return report;
    };
    const without = await scan({});
    expect(await scan({ 'kubematrix-controls.yaml': stdout })).toEqual(without);
    // The decoy: one entry answered, and only that one counts.
    const answered = stdout.replace(
      '- mitigation: MS-M9001\n    status: unknown',
      '- mitigation: MS-M9001\n    status: not-implemented',
    );
    const withAnswer = await scan({ 'kubematrix-controls.yaml': answered });
    expect(withAnswer).not.toEqual(without);
    expect(withAnswer.techniques.find((technique: { id: string }) => technique.id === 'MS-TA9001')).toMatchObject({
      status: 'weakened',
      mitigations: { missing: [{ id: 'MS-M9001', by: 'declared', status: 'not-implemented' }] },
    });
  });

  it('warns that an answer for a mitigation the scan observes is not used, and which evidence is', async () => {
    const declared = 'controls:\n- mitigation: MS-M9025\n  status: implemented\n';
    const dir = workspace({ 'pod.yaml': pod, 'kubematrix-controls.yaml': declared });
    const { status, stdout, stderr } = await cli(['scan', 'pod.yaml', '-o', 'json'], { cwd: dir });
    expect(status).toBe(0);
    expect(stderr).toBe(
      'kubematrix: warning: kubematrix-controls.yaml:2: MS-M9025 Disable service account auto mount is observed by the scan: the declaration is not used, the scan uses the findings of service-account-token, which report it missing, and the defenses it sees in place everywhere they matter (docs/report.md)\n',
    );
    // The pod mounts its token: the scan's own evidence says missing, the declaration changes nothing.
    const report = Report.parse(JSON.parse(stdout));
    const states = report.techniques.flatMap((technique) => [
      ...technique.mitigations.present,
      ...technique.mitigations.missing,
    ]);
    const tokenStates = states.filter((state) => state.id === 'MS-M9025');
    expect(tokenStates.length).toBeGreaterThan(0);
    expect(tokenStates.every((state) => state.by === 'observed')).toBe(true);
    expect(states.some((state) => state.by === 'declared')).toBe(false);
  });

  it('writes -o FILE, and never overwrites one', async () => {
    const dir = workspace({ 'answered.yaml': mfa('implemented') });
    const written = await cli(['controls', 'init', '-o', 'new.yaml'], { cwd: dir });
    expect(written.status).toBe(0);
    expect(readFileSync(path.join(dir, 'new.yaml'), 'utf8')).toContain('# MS-M9001 Multi-factor authentication');
    const refused = await cli(['controls', 'init', '-o', 'answered.yaml'], { cwd: dir });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('answered.yaml: it already exists, and init never overwrites');
    expect(readFileSync(path.join(dir, 'answered.yaml'), 'utf8')).toBe(mfa('implemented'));
  });
});
