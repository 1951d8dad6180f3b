import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { takesAsIs } from './as-is.js';
import { LabelSelector, NetworkPolicySpec, PodSpec } from './schema.js';

/** A pod spec setting every field the schema reads, each valid. */
const FULL = {
  containers: [
    {
      name: 'app',
      image: 'registry.example.com/app:1.2',
      command: ['/app'],
      args: ['--port', '8080'],
      ports: [{ containerPort: 8080, hostPort: 80, protocol: 'TCP', name: 'http' }],
      env: [
        { name: 'MODE', value: 'prod' },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'token', key: 'value' } } },
        { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'config', key: 'level' } } },
      ],
      resources: { limits: { cpu: '500m', memory: 268435456 }, requests: { cpu: 0.1 } },
      securityContext: {
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        procMount: 'Default',
        capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
        appArmorProfile: { type: 'Localhost', localhostProfile: 'app' },
        windowsOptions: { hostProcess: false },
      },
      volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true, recursiveReadOnly: 'Enabled', subPath: 'x' }],
    },
  ],
  initContainers: [{ name: 'init', image: 'busybox' }],
  ephemeralContainers: [{ name: 'debug', image: 'busybox' }],
  volumes: [
    { name: 'data', hostPath: { path: '/var/data', type: 'Directory' } },
    { name: 'empty', emptyDir: {} },
  ],
  hostNetwork: false,
  hostPID: false,
  hostIPC: false,
  serviceAccountName: 'app',
  serviceAccount: 'app',
  automountServiceAccountToken: false,
  securityContext: {
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 1000,
    supplementalGroups: [1000],
    fsGroup: 2000,
    seccompProfile: { type: 'RuntimeDefault' },
    sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }],
  },
  nodeName: 'node-1',
  os: { name: 'linux' },
};

class Box {
  readonly path = '/var/data';
}
const symbolKeyed = () => ({ path: '/x', [Symbol('key')]: 'y' });
const sparse = () => {
  const list: string[] = [];
  list[2] = 'ALL';
  return list;
};

/** What a field can be made of instead: other types, edge numbers, odd objects. */
const REPLACEMENTS: (() => unknown)[] = [
  () => undefined,
  () => 'text',
  () => '',
  () => 7,
  () => 1.5,
  () => -0,
  () => Number.POSITIVE_INFINITY,
  () => Number.NaN,
  () => 2 ** 60,
  () => true,
  () => false,
  () => [],
  () => ['ALL'],
  () => [1],
  () => ({}),
  () => ({ name: 'x' }),
  () => Object.create(null),
  () => new Box(),
  symbolKeyed,
  sparse,
  () => new Date(0),
];

/** Every path to a value in the object, arrays' entries included. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const children = Object.entries(value).flatMap(([key, child]) =>
    paths(child, [...prefix, Array.isArray(value) ? Number(key) : key]),
  );
  return [prefix, ...children];
}

/** The spec with the value at `path` replaced (undefined: deleted). */
function mutate(spec: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(spec) as Record<string | number, unknown>;
  if (!path.length) return replacement;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (replacement === undefined && !Array.isArray(node)) delete node[last];
  else node[last] = replacement;
  return copy;
}

/** Whether `copy` has a field, at any depth, that `original` lacks: where the inventory keeps zod's copy. */
function addsFields(copy: unknown, original: unknown): boolean {
  if (typeof copy !== 'object' || copy === null || typeof original !== 'object' || original === null) return false;
  return Object.entries(copy).some(
    ([key, child]) => !Object.hasOwn(original, key) || addsFields(child, (original as Record<string, unknown>)[key]),
  );
}

/**
 * Each spec the test takes must parse, to a copy that adds no field: what makes the inventory keep the spec itself
 * rather than zod's copy (src/inventory/index.ts, readPodSpec), so that taking it as it is reads the same.
 */
function agrees(schema: z.ZodType, values: readonly unknown[]): { taken: number; refused: number } {
  const test = takesAsIs(schema);
  let taken = 0;
  for (const value of values) {
    if (!test(value)) continue;
    taken++;
    const parsed = schema.safeParse(value);
    expect(parsed.success, JSON.stringify(value)).toBe(true);
    expect(addsFields(parsed.data, value), JSON.stringify(value)).toBe(false);
  }
  return { taken, refused: values.length - taken };
}

describe('takesAsIs', () => {
  it('takes a full valid pod spec, and a spec needing a default or holding an error it refuses', () => {
    const test = takesAsIs(PodSpec);
    expect(test(FULL)).toBe(true);
    expect(test({})).toBe(false); // containers: [] by default
    expect(test({ containers: [{ image: 'nginx' }] })).toBe(false); // the name is defaulted
    expect(test({ containers: [{ name: 'a', securityContext: { privileged: 'true' } }] })).toBe(false);
    expect(test({ containers: [{ name: 'a', securityContext: { runAsUser: 1.5 } }] })).toBe(false);
  });

  it('agrees with zod on every field of a pod spec replaced by every other kind of value', () => {
    const specs = paths(FULL).flatMap((path) => REPLACEMENTS.map((make) => mutate(FULL, path, make())));
    const { taken, refused } = agrees(PodSpec, specs);
    // Both answers are given often: the comparison is not vacuous.
    expect(taken).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(500);
  });

  it('agrees with zod on combinations of replacements', () => {
    const all = paths(FULL);
    // Two or three replacements per spec, picked by strides that are prime to the lists' lengths: the same every run.
    const specs = Array.from({ length: 3000 }, (_, index) => {
      let spec: unknown = FULL;
      for (let step = 1; step <= 2 + (index % 2); step++) {
        const path = all[(index * 7919 * step + step) % all.length] ?? [];
        const make = REPLACEMENTS[(index * 104_729 + step * 31) % REPLACEMENTS.length] ?? (() => undefined);
        try {
          spec = mutate(spec, path, make());
        } catch {
          // The path went away with an earlier replacement.
        }
      }
      return spec;
    });
    const { taken, refused } = agrees(PodSpec, specs);
    // Most combinations break the spec; enough do not for the comparison to mean something.
    expect(taken).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(1000);
  });

  it('refuses whatever it cannot judge: refinements, enums, stripping and strict objects, checks, coercion', () => {
    expect(takesAsIs(NetworkPolicySpec)({ ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] })).toBe(false);
    expect(takesAsIs(LabelSelector)({ matchExpressions: [{ key: 'a', operator: 'In' }] })).toBe(false);
    expect(takesAsIs(LabelSelector)({ matchLabels: { app: 'web', tier: 1, on: true } })).toBe(true);
    expect(takesAsIs(z.object({ a: z.string() }))({ a: 'x' })).toBe(false);
    expect(takesAsIs(z.strictObject({ a: z.string() }))({ a: 'x' })).toBe(false);
    expect(takesAsIs(z.string().min(1))('x')).toBe(false);
    expect(takesAsIs(z.array(z.string()).min(1))(['x'])).toBe(false);
    expect(takesAsIs(z.coerce.number())(1)).toBe(false);
    expect(takesAsIs(z.union([z.looseObject({}), z.string()]))('x')).toBe(false);
  });
});
