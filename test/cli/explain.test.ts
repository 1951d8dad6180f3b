import { describe, expect, it } from 'vitest';
import { allChecks, getCheck } from '../../src/checks/index.js';
import { allDetections } from '../../src/detections/index.js';
import { checksMarkdown } from '../../src/docs/checks.js';
import { detectionsMarkdown } from '../../src/docs/detections.js';
import { mitigations, techniques } from '../../src/matrix/index.js';
import { reportFormats } from '../../src/report/index.js';
import { cli } from './run.js';

describe('kubematrix explain of checks and audit rules', () => {
  it('explains a check by id from its metadata: title, why, fix, techniques and mitigations', async () => {
    const check = getCheck('container-runtime-socket');
    const { status, stdout, stderr } = await cli(['explain', 'container-runtime-socket']);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toMatch(
      /^container-runtime-socket {2}Container runtime socket mounted\nCheck, default severity critical\n/,
    );
    // The texts are the metadata's, wrapped: compare them with the spaces folded.
    const flat = stdout.replace(/\s+/g, ' ');
    for (const text of [check?.description, check?.rationale, check?.remediation]) expect(flat).toContain(text);
    expect(stdout).toContain('Why it matters\n');
    expect(stdout).toContain('How to fix\n');
    expect(stdout).toContain('  MS-TA9008     New container');
  });

  it('names the missing mitigations of a hardening check', async () => {
    const { stdout } = await cli(['explain', 'Seccomp-Profile']);
    expect(stdout).toContain('Missing mitigations\n');
    for (const id of getCheck('seccomp-profile')?.missing ?? []) expect(stdout).toContain(id);
  });

  it('explains a check as JSON, the same fields docs/checks.md shows', async () => {
    const { status, stdout } = await cli(['explain', 'privileged-container', '-o', 'json']);
    const check = getCheck('privileged-container');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      type: 'check',
      id: 'privileged-container',
      title: check?.title,
      severity: check?.severity,
      description: check?.description,
      why: check?.rationale,
      fix: check?.remediation,
      techniques: check?.exposes.map((id) => ({ id, name: techniques.find((t) => t.id === id)?.name })),
      mitigations: check?.missing.map((id) => ({ id, name: mitigations.find((m) => m.id === id)?.name })),
    });
  });

  it('explains an audit rule by id, as text and as JSON', async () => {
    const rule = allDetections.find((detection) => detection.id === 'exec-shell');
    const text = await cli(['explain', 'exec-shell']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^exec-shell {2}.+\nAudit rule, default severity medium, needs audit level Metadata\n/);
    const flat = text.stdout.replace(/\s+/g, ' ');
    for (const part of [rule?.rationale, rule?.response, rule?.benign]) expect(flat).toContain(part);
    expect(text.stdout).toContain('MS-TA9007');
    const json = JSON.parse((await cli(['explain', 'exec-shell', '-o', 'json'])).stdout);
    expect(json).toMatchObject({ type: 'audit-rule', id: 'exec-shell', level: 'Metadata', why: rule?.rationale });
    expect(json.techniques).toEqual([{ id: 'MS-TA9007', name: 'Bash or cmd inside container' }]);
  });

  it('takes an exact id over a name fragment: cronjob is the check, not every technique naming one', async () => {
    const { status, stdout } = await cli(['explain', 'cronjob']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^cronjob {2}/);
  });

  it('exits 2 for an unknown id, with the closest ids of every kind', async () => {
    const typo = await cli(['explain', 'container-runtime-sockets']);
    expect(typo).toMatchObject({ status: 2, stdout: '' });
    expect(typo.stderr).toContain('Closest: container-runtime-socket. ');
    const fragment = await cli(['explain', 'exec-shel']);
    expect(fragment.stderr).toContain('Closest: exec-shell');
    // Nothing near: no list, the way to see what exists.
    const none = await cli(['explain', 'qqqqqqqqqqqqqqqq']);
    expect(none).toMatchObject({ status: 2, stdout: '' });
    expect(none.stderr).not.toContain('Closest');
    expect(none.stderr).toContain('a check id (docs/checks.md) or an audit rule id (docs/detections.md)');
  });

  it('explains every check and every audit rule', async () => {
    for (const { id } of [...allChecks, ...allDetections]) {
      expect((await cli(['explain', id])).status, id).toBe(0);
    }
  });
});

describe('no output speaks of planned work', () => {
  const planned = /\bplanned\b/i;

  it('in the knowledge base, the metadata and the docs generated from it', () => {
    expect(JSON.stringify({ techniques, mitigations })).not.toMatch(planned);
    expect(checksMarkdown(allChecks)).not.toMatch(planned);
    expect(detectionsMarkdown(allDetections)).not.toMatch(planned);
  });

  it('in explain, matrix and every scan format', async () => {
    const outputs = [
      (await cli(['matrix', '-o', 'json'])).stdout,
      ...(await Promise.all(techniques.map(async ({ id }) => (await cli(['explain', id])).stdout))),
      ...(await Promise.all(mitigations.map(async ({ id }) => (await cli(['explain', id])).stdout))),
      ...(await Promise.all(
        reportFormats.map(async ({ name }) => (await cli(['scan', 'examples/shop', '-o', name])).stdout),
      )),
    ];
    for (const output of outputs) {
      expect(output.length).toBeGreaterThan(0);
      expect(output).not.toMatch(planned);
    }
  });
});
