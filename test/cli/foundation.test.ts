import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mitigations, techniques } from '../../src/matrix/index.js';
import { binPath, repoRoot } from '../paths.js';
import { cli, cliProcess } from './run.js';

describe('kubematrix CLI foundation', () => {
  it('installs as kubematrix and as the kubectl plugin kubectl-matrix, one bin for both', async () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ kubematrix: 'bin/kubematrix.js', 'kubectl-matrix': 'bin/kubematrix.js' });
    expect(pkg.engines.node).toMatch(/^>=20/);
  });

  it('runs as the built bin a user installs: a smoke test of dist/ (every other CLI test runs the source)', () => {
    const scan = cliProcess(['scan', 'examples/shop']);
    expect(scan.stderr).toBe('');
    expect(scan.status).toBe(0);
    expect(scan.stdout).toContain('MS-TA9018');
  });

  it('stops quietly when its reader closes the pipe early (kubematrix scan … | head)', async () => {
    const child = spawn(process.execPath, [binPath, 'scan', 'examples/shop', '-o', 'sarif'], { cwd: repoRoot });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    // The SARIF (every check's rule) is far larger than a pipe's buffer: the bin is still writing when it closes.
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('prints its version and help with exit code 0', async () => {
    const version = await cli(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('matrix');
    expect(help.stdout).toContain('explain');
    expect(help.stdout).toMatch(/Exit codes:[\s\S]*2\s+usage error/);
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await cli(['frobnicate'])).status).toBe(2);
    expect((await cli(['matrix', '--bogus'])).status).toBe(2);
    expect((await cli(['matrix', '--output', 'xml'])).status).toBe(2);
  });

  it('draws the matrix without colour when not on a terminal', async () => {
    const { status, stdout } = await cli(['matrix'], { env: { COLUMNS: '120' } });
    expect(status).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting the absence of ANSI escapes
    expect(stdout).not.toMatch(/\u001b\[/);
    const header = stdout.split('\n')[0] ?? '';
    for (const tactic of ['Initial', 'Execution', 'Persistence', 'Impact']) expect(header).toContain(tactic);
    for (const line of stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
    for (const technique of techniques) expect(stdout).toContain(technique.id.slice(5));
  });

  it('falls back to a list in a narrow terminal', async () => {
    const { stdout } = await cli(['matrix'], { env: { COLUMNS: '60' } });
    for (const line of stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    expect(stdout).toContain('9040 Denial of service');
  });

  it('prints the knowledge base as JSON', async () => {
    const { status, stdout } = await cli(['matrix', '--output', 'json']);
    expect(status).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.tactics).toHaveLength(10);
    expect(json.tactics[0]).toEqual({
      id: 'InitialAccess',
      name: 'Initial Access',
      attack: 'TA0001',
      techniques: ['MS-TA9001', 'MS-TA9002', 'MS-TA9003', 'MS-TA9004', 'MS-TA9005'],
    });
    expect(json.techniques).toHaveLength(techniques.length);
    expect(Object.keys(json.techniques[0]).sort()).toEqual(
      ['attack', 'detection', 'id', 'mitigations', 'name', 'summary', 'tactics'].sort(),
    );
    expect(json.mitigations).toHaveLength(mitigations.length);
  });

  it('explains a technique and a mitigation by ID, any case', async () => {
    const technique = await cli(['explain', 'ms-ta9013']);
    expect(technique.status).toBe(0);
    expect(technique.stdout).toContain('MS-TA9013  Writable hostPath mount');
    expect(technique.stdout).toContain('MS-M9017');
    const mitigation = await cli(['explain', 'MS-M9025']);
    expect(mitigation.status).toBe(0);
    expect(mitigation.stdout).toContain('Disable service account auto mount');
    expect(mitigation.stdout).toContain('MS-TA9016');
  });

  it('explains by name fragment', async () => {
    const { status, stdout } = await cli(['explain', 'hostpath']);
    expect(status).toBe(0);
    expect(stdout).toContain('MS-TA9013');
  });

  it('lists candidates for an ambiguous fragment and exits 2', async () => {
    const { status, stdout } = await cli(['explain', 'container']);
    expect(status).toBe(2);
    expect(stdout).toContain('MS-TA9006');
    expect(stdout).toContain('MS-TA9018');
  });

  it('exits 2 with a helpful message for an unknown entry', async () => {
    const { status, stderr } = await cli(['explain', 'MS-TA9032']);
    expect(status).toBe(2);
    expect(stderr).toContain("nothing matches 'MS-TA9032'");
    expect(stderr).toContain('kubematrix matrix');
  });

  it('explains as JSON', async () => {
    const { stdout } = await cli(['explain', 'MS-TA9019', '--output', 'json']);
    expect(JSON.parse(stdout)).toMatchObject({ type: 'technique', id: 'MS-TA9019', name: 'Cluster-admin binding' });
  });
});
