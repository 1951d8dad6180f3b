import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest, readManifests } from './manifests.js';
import { formatPath } from './path.js';

const parse = (text: string, file = 'in.yaml') => parseManifest(file, Buffer.from(text));

describe('parseManifest', () => {
  it('reads YAML 1.1 booleans as Kubernetes does', () => {
    const [pod] = parse(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {hostNetwork: yes, hostPID: on, hostIPC: off}\n',
    ).objects;
    expect(pod?.object.spec).toEqual({ hostNetwork: true, hostPID: true, hostIPC: false });
  });

  it('locates a field at its key, and a missing field at its nearest existing parent', () => {
    const [pod] = parse(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: c\n      securityContext:\n        privileged: true\n',
    ).objects;
    expect(pod?.locate(['spec', 'containers', 0, 'securityContext', 'privileged'])).toMatchObject({
      line: 9,
      column: 9,
    });
    expect(pod?.locate(['spec', 'containers', 0, 'securityContext', 'runAsUser'])).toMatchObject({
      line: 8,
      column: 7,
    });
    expect(pod?.locate(['spec', 'containers', 3])).toMatchObject({ line: 6, column: 3 });
  });

  it('locates through aliases, merge keys, lists and large mappings, each value at the place it is read from', () => {
    const labels = Array.from({ length: 40 }, (_, i) => `    k${i}: v${i}`).join('\n');
    const [pod] = parse(
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: a',
        '  labels:',
        labels,
        'spec:',
        '  containers:',
        '    - &base',
        '      name: c',
        '      securityContext: {privileged: true}',
        '    - <<: *base',
        '      name: d',
        '    - *base',
      ].join('\n'),
    ).objects;
    const at = (path: (string | number)[]) => {
      const { line, column } = pod?.locate(path) ?? {};
      return [line, column];
    };
    expect(at(['metadata', 'labels', 'k39'])).toEqual([45, 5]);
    expect(at(['metadata', 'labels', 'k0'])).toEqual([6, 5]);
    expect(at(['metadata', 'labels', 'none'])).toEqual([5, 3]);
    expect(at(['spec', 'containers', 0, 'securityContext', 'privileged'])).toEqual([50, 25]);
    // A merged key has no place of its own in the mapping it is merged into: its parent is the nearest.
    expect(at(['spec', 'containers', 1, 'securityContext', 'privileged'])).toEqual([51, 7]);
    expect(at(['spec', 'containers', 1, 'name'])).toEqual([52, 7]);
    // The alias stands where it is written; what is inside it, where the anchored value is.
    expect(at(['spec', 'containers', 2])).toEqual([53, 7]);
    expect(at(['spec', 'containers', 2, 'securityContext', 'privileged'])).toEqual([50, 25]);
    expect(at(['spec', 'containers', -1])).toEqual([47, 3]);
  });

  it('splits multi-document files and keeps each document’s own lines', () => {
    const { objects } = parse(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\n',
    );
    expect(objects.map((o) => o.locate(['metadata', 'name']).line)).toEqual([3, 7]);
  });

  it('unwraps List and *List objects, locating items inside them', () => {
    const { objects } = parse(
      'apiVersion: v1\nkind: PodList\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n- apiVersion: v1\n  kind: List\n  items:\n  - {apiVersion: v1, kind: Secret, metadata: {name: s}}\n',
    );
    expect(objects.map((o) => o.object.kind)).toEqual(['Pod', 'Secret']);
    expect(objects[0]?.locate(['metadata', 'name'])).toMatchObject({ line: 6, column: 14 });
    expect(objects[1]?.locate(['metadata'])).toMatchObject({ line: 10 });
  });

  it('reads JSON with locations', () => {
    const { objects } = parse(
      '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "j"}\n}\n',
      'pod.json',
    );
    expect(objects[0]?.locate(['metadata', 'name'])).toMatchObject({ file: 'pod.json', line: 4 });
  });

  it('strips a UTF-8 byte order mark', () => {
    const { objects, errors } = parse('\uFEFFapiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n');
    expect(errors).toEqual([]);
    expect(objects).toHaveLength(1);
  });

  it('keeps the good documents of a file when one is broken', () => {
    const { objects, errors } = parse(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: [}\n',
    );
    expect(objects.map((o) => (o.object.metadata as { name: string }).name)).toEqual(['ok']);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.line).toBeGreaterThanOrEqual(7);
  });

  it('does not mistake Go templates inside a ConfigMap value for Helm', () => {
    const { objects, errors } = parse(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: alerts}\ndata:\n  summary: "{{ $labels.instance }} is down"\n',
    );
    expect(errors).toEqual([]);
    expect(objects).toHaveLength(1);
  });
});

describe('readManifests', () => {
  it('walks directories in order, skipping .git, node_modules and other extensions', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'kubematrix-'));
    const doc = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;
    await mkdir(path.join(root, 'b'), { recursive: true });
    await mkdir(path.join(root, '.git'));
    await mkdir(path.join(root, 'node_modules'));
    await writeFile(path.join(root, 'b/two.yml'), doc('two'));
    await writeFile(path.join(root, 'a.yaml'), doc('one'));
    await writeFile(
      path.join(root, 'c.JSON'),
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'three' } }),
    );
    await writeFile(path.join(root, 'notes.txt'), doc('skipped'));
    await writeFile(path.join(root, '.git/config.yaml'), doc('skipped'));
    await writeFile(path.join(root, 'node_modules/x.yaml'), doc('skipped'));
    const read = await readManifests([root]);
    expect(read.objects.map((o) => (o.object.metadata as { name: string }).name)).toEqual(['one', 'two', 'three']);
    expect(read.files).toBe(3);
    // A file named explicitly is read whatever its extension.
    const explicit = await readManifests([path.join(root, 'notes.txt')]);
    expect(explicit.objects).toHaveLength(1);
  });

  it("reads '-' from standard input and names it '-'", async () => {
    const read = await readManifests(['-'], {
      stdin: async () => Buffer.from('apiVersion: v1\nkind: Pod\nmetadata: {name: piped}\n'),
    });
    expect(read.objects[0]?.file).toBe('-');
    expect(read.objects[0]?.locate(['metadata']).file).toBe('-');
  });

  it('reports a missing path and goes on with the others', async () => {
    const read = await readManifests(['/nonexistent/kubematrix', '-'], {
      stdin: async () => Buffer.from('apiVersion: v1\nkind: Pod\nmetadata: {name: piped}\n'),
    });
    expect(read.errors).toEqual([
      { source: '/nonexistent/kubematrix', message: 'cannot read: no such file or directory' },
    ]);
    expect(read.objects).toHaveLength(1);
  });
});

describe('formatPath', () => {
  it('writes paths as kubectl explain and JSONPath users read them', () => {
    expect(formatPath(['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'privileged'])).toBe(
      'spec.template.spec.containers[0].securityContext.privileged',
    );
    expect(formatPath(['metadata', 'annotations', 'kubematrix.io/ignore'])).toBe(
      'metadata.annotations["kubematrix.io/ignore"]',
    );
  });
});
