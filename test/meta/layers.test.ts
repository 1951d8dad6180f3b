import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../paths.js';

/**
 * Which room (top folder of src/, or a top file) may import which. Facts about Kubernetes objects live low
 * (inventory, k8s, rbac), the admission engine above them, checks and detections above that, and whatever
 * combines findings (paths, coverage, engine, report, cli) on top: a room never imports a room above it or beside
 * it, so that src/admission and src/paths can be used without src/checks. A new import between rooms is a decision:
 * add it here, or move what it needs down. Known exceptions, documented where they are: inventory/schema reads
 * CIDRs with k8s/ip; k8s and rbac share rbac/format's list helpers and k8s's evidence; inputs/audit's webhook feeds
 * the detection pipeline it is given and writes alerts with the report's JSON writer.
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  util: [],
  matrix: [],
  model: [],
  version: [],
  inputs: ['detections', 'k8s', 'model', 'report', 'util', 'version'],
  config: ['inputs', 'model'],
  inventory: ['inputs', 'k8s', 'model', 'util'],
  k8s: ['inputs', 'inventory', 'matrix', 'model', 'rbac', 'util'],
  rbac: ['inventory', 'k8s', 'matrix', 'model'],
  admission: ['inputs', 'inventory', 'k8s', 'matrix', 'model', 'rbac', 'util'],
  checks: ['admission', 'inputs', 'inventory', 'k8s', 'matrix', 'model', 'rbac', 'util'],
  detections: ['inputs', 'inventory', 'k8s', 'matrix', 'model', 'rbac', 'util'],
  // Custom rules: CEL checks built from the config, evaluated with the admission engine's CEL.
  rules: ['admission', 'checks', 'config', 'inputs', 'inventory', 'k8s', 'matrix', 'model', 'util'],
  paths: ['admission', 'config', 'inputs', 'inventory', 'k8s', 'matrix', 'model', 'rbac', 'util'],
  coverage: ['admission', 'checks', 'config', 'inputs', 'inventory', 'k8s', 'matrix', 'model', 'util'],
  engine: [
    'checks',
    'config',
    'coverage',
    'detections',
    'inputs',
    'inventory',
    'k8s',
    'matrix',
    'model',
    'paths',
    'util',
    'version',
  ],
  fix: [
    'admission',
    'checks',
    'config',
    'coverage',
    'detections',
    'engine',
    'inputs',
    'inventory',
    'k8s',
    'matrix',
    'model',
    'paths',
    'rbac',
    'util',
    'version',
  ],
  report: ['checks', 'coverage', 'detections', 'engine', 'matrix', 'model', 'rbac', 'util'],
  docs: ['checks', 'detections', 'matrix'],
  cli: [
    'checks',
    'config',
    'coverage',
    'detections',
    'engine',
    'fix',
    'inputs',
    'inventory',
    'k8s',
    'matrix',
    'model',
    'paths',
    'rbac',
    'report',
    'rules',
    'util',
    'version',
  ],
  index: [
    'admission',
    'checks',
    'config',
    'coverage',
    'engine',
    'fix',
    'inputs',
    'inventory',
    'matrix',
    'model',
    'rbac',
    'rules',
    'version',
  ],
};

const src = path.join(repoRoot, 'src');
/** Test support is not shipped (tsconfig.build.json): it may drive the whole engine. */
const TEST_SUPPORT = /(\.test|\.fixtures)\.ts$|(^|\/)tester\.ts$/;

function roomOf(file: string): string {
  return (path.relative(src, file).split(path.sep)[0] ?? '').replace(/\.(ts|js)$/, '');
}

/** Every relative import of shipped sources that crosses rooms: `paths → checks (paths/graph.ts)`. */
function crossings(): { from: string; to: string; file: string }[] {
  const found: { from: string; to: string; file: string }[] = [];
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isFile() || !file.endsWith('.ts') || TEST_SUPPORT.test(path.relative(src, file))) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const to = roomOf(path.resolve(path.dirname(file), match[1] as string));
      const from = roomOf(file);
      if (to !== from) found.push({ from, to, file: path.relative(src, file) });
    }
  }
  return found;
}

it('every room imports only the rooms below it', () => {
  const rooms = new Set(crossings().flatMap(({ from, to }) => [from, to]));
  for (const room of rooms) expect(Object.keys(ALLOWED), `room ${room} is not in the table`).toContain(room);
  const forbidden = crossings()
    .filter(({ from, to }) => !(ALLOWED[from] ?? []).includes(to))
    .map(({ from, to, file }) => `${from} → ${to} (${file})`);
  expect(forbidden).toEqual([]);
});

it('the facts, the admission engine and the attack paths never reach up into the checks', () => {
  for (const room of ['inventory', 'k8s', 'rbac', 'admission', 'paths', 'util']) {
    expect(ALLOWED[room]).not.toContain('checks');
  }
  // The scan itself finds crossings: a test that found none would prove nothing.
  expect(crossings().some(({ from, to }) => from === 'paths' && to === 'admission')).toBe(true);
});
