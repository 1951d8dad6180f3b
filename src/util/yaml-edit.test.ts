import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  type AddOperation,
  applyOperations,
  applyReplacements,
  editableYaml,
  type ObjectEdit,
  planEdits,
  toPointer,
} from './yaml-edit.js';

const add = (path: string, value: unknown): AddOperation => ({ op: 'add', path, value });

function edit(text: string, edits: readonly ObjectEdit[]): string {
  const { replacements, errors } = planEdits(text, edits);
  expect(errors.map((error) => error.message)).toEqual([]);
  return applyReplacements(text, replacements);
}

const POD = `# a pod, written by hand
apiVersion: v1
kind: Pod
metadata:
    name: web   # four-space indentation, kept
spec:
    containers:
    -   name: app
        image: "nginx:1.27"   # quoted, kept
        ports: [{containerPort: 80}]
    -   name: sidecar
        image: envoy
        securityContext:
          capabilities:
            drop:
            - NET_RAW
# a comment after the object
`;

const pod = (operations: AddOperation[]): ObjectEdit => ({ line: 3, kind: 'Pod', name: 'web', operations });

describe('planEdits', () => {
  it('writes only the lines a change needs: a missing securityContext with two fields, after the last field', () => {
    const out = edit(POD, [
      pod([
        add('/spec/containers/0/securityContext', { allowPrivilegeEscalation: false }),
        add('/spec/containers/0/securityContext/readOnlyRootFilesystem', true),
      ]),
    ]);
    expect(out).toBe(
      POD.replace(
        '        ports: [{containerPort: 80}]\n',
        '        ports: [{containerPort: 80}]\n        securityContext:\n          allowPrivilegeEscalation: false\n          readOnlyRootFilesystem: true\n',
      ),
    );
  });

  it('appends to a block sequence at its indentation, and to a mapping after a trailing comment', () => {
    const out = edit(POD, [
      pod([add('/spec/containers/1/securityContext/capabilities/drop/-', 'ALL'), add('/metadata/namespace', 'shop')]),
    ]);
    expect(out).toBe(
      POD.replace('            - NET_RAW\n', '            - NET_RAW\n            - ALL\n').replace(
        '# four-space indentation, kept\n',
        '# four-space indentation, kept\n    namespace: shop\n',
      ),
    );
  });

  it('rewrites a flow collection in flow style, and a null field where it stands', () => {
    const text = `kind: Pod\nmetadata: {name: a}\nspec:\n  securityContext:\n  containers:\n  - {name: app, securityContext: {}}\n`;
    const out = edit(text, [
      {
        line: 1,
        kind: 'Pod',
        name: 'a',
        operations: [
          add('/spec/securityContext', { runAsNonRoot: true }),
          add('/spec/containers/0/securityContext/allowPrivilegeEscalation', false),
        ],
      },
    ]);
    expect(out).toBe(
      'kind: Pod\nmetadata: {name: a}\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - {name: app, securityContext: {allowPrivilegeEscalation: false}}\n',
    );
  });

  it('finds the object by line among documents and List items, and refuses a line in another object', () => {
    const text = `kind: Pod\nmetadata: {name: a}\n---\nkind: List\nitems:\n- kind: Pod\n  metadata: {name: b}\n- kind: Pod\n  metadata: {name: c}\n  spec: {}\n`;
    const out = edit(text, [{ line: 8, kind: 'Pod', name: 'c', operations: [add('/spec/hostPID', false)] }]);
    expect(out).toBe(text.replace('spec: {}', 'spec: {hostPID: false}'));
    const { replacements, errors } = planEdits(text, [
      { line: 6, kind: 'Pod', name: 'c', operations: [add('/spec/hostPID', false)] },
      { line: 40, kind: 'Pod', name: 'a', operations: [add('/spec', {})] },
    ]);
    expect(replacements).toEqual([]);
    expect(errors.map((error) => error.message)).toEqual([
      "line 6 is not in Pod 'c' any more",
      'the file has no line 40',
    ]);
  });

  it('never overwrites a value, and never edits through an alias (that would change every user of the anchor)', () => {
    const text = `kind: Pod\nmetadata: {name: a}\nx: &shared {a: 1}\nspec: *shared\nhostPID: true\n`;
    const errors = (path: string) =>
      planEdits(text, [{ line: 1, kind: 'Pod', name: 'a', operations: [add(path, false)] }]).errors.map(
        (e) => e.message,
      );
    expect(errors('/spec/b')).toEqual(['spec/b: spec is a YAML alias; edit the anchor by hand']);
    expect(errors('/hostPID')).toEqual(['hostPID: already set; a fix never overwrites a value']);
  });

  it('keeps Windows line breaks, and quotes what YAML 1.1 would read as a boolean', () => {
    const text = 'kind: Pod\r\nmetadata:\r\n  name: a\r\n';
    expect(edit(text, [{ line: 2, kind: 'Pod', name: 'a', operations: [add('/metadata/labels', { x: 'y' })] }])).toBe(
      'kind: Pod\r\nmetadata:\r\n  name: a\r\n  labels:\r\n    x: "y"\r\n',
    );
  });

  it('gives the object applyOperations gives, as the file says it', () => {
    const operations = [
      add('/spec/containers/0/securityContext', { allowPrivilegeEscalation: false }),
      add('/spec/containers/1/securityContext/capabilities/drop/-', 'ALL'),
    ];
    const [before] = parseAllDocuments(POD, { version: '1.1' }) as { toJS(): unknown }[];
    const [after] = parseAllDocuments(edit(POD, [pod(operations)]), { version: '1.1' }) as { toJS(): unknown }[];
    expect(after?.toJS()).toEqual(applyOperations(before?.toJS(), operations));
  });
});

describe('toPointer', () => {
  it('escapes ~ and / as RFC 6901 says', () => {
    expect(toPointer(['metadata', 'annotations', 'a/b~c', 0])).toBe('/metadata/annotations/a~1b~0c/0');
  });
});

describe('applyOperations', () => {
  it("merges two findings' adds of the same missing mapping, and leaves the object as it was", () => {
    const object = { spec: { containers: [{ name: 'app' }] } };
    const fixed = applyOperations(object, [
      add('/spec/containers/0/securityContext', { allowPrivilegeEscalation: false }),
      add('/spec/containers/0/securityContext', { readOnlyRootFilesystem: true }),
      add('/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }),
    ]);
    expect(fixed.spec.containers[0]).toEqual({
      name: 'app',
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      },
    });
    expect(object).toEqual({ spec: { containers: [{ name: 'app' }] } });
  });
});

describe('planEdits, nested collections ending on one line', () => {
  it("writes the inner collection's new lines before its parent's", () => {
    const text = 'kind: Pod\nmetadata: {name: a}\nsecurityContext:\n  capabilities:\n    add:\n    - CHOWN\n';
    const out = edit(text, [
      {
        line: 1,
        kind: 'Pod',
        name: 'a',
        operations: [add('/securityContext/capabilities/drop', ['ALL']), add('/securityContext/runAsNonRoot', true)],
      },
    ]);
    expect(out).toBe(`${text}    drop:\n      - ALL\n  runAsNonRoot: true\n`);
  });
});

describe('editableYaml with lines: only the documents holding them', () => {
  // Markers at column 0 end a block scalar and a quoted scalar (the lexer takes them for markers wherever they
  // stand); `...` ends a document whose next starts without `---`; a comment and a flow document sit between.
  const text = [
    'kind: ConfigMap\nmetadata: {name: a}\ndata:\n  script: |\n    echo',
    '--- # b',
    'kind: Pod\nmetadata:\n  name: b\nspec:\n  containers:\n  - name: app\n    args: ["x", "y"]',
    '...',
    'kind: Pod\nmetadata:\n  name: c\nspec:\n  containers:\n  - name: app',
    '--- {kind: Pod, metadata: {name: d}, spec: {containers: [{name: app}]}}',
    '---',
    'kind: Pod\nmetadata: {name: e}\nspec:\n  containers:\n  - {name: app, image: "nginx"}\n',
  ].join('\n');
  const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;
  const edits: ObjectEdit[] = ['b', 'c', 'd', 'e'].map((name) => ({
    line: lineOf(`name: ${name}`),
    kind: 'Pod',
    name,
    operations: [
      add('/spec/containers/0/securityContext', { runAsNonRoot: true }),
      add('/metadata/labels', { a: 'b' }),
    ],
  }));

  it('plans every edit as a parse of the whole text does, each document parsed alone at its place', () => {
    const whole = editableYaml(text);
    expect(whole.documents).toHaveLength(5);
    for (const one of edits) {
      const some = editableYaml(text, [one.line]);
      expect(some.documents).toHaveLength(1);
      const planned = planEdits(some, [one]);
      expect(planned.errors).toEqual([]);
      expect(planned).toEqual(planEdits(whole, [one]));
    }
    const all = editableYaml(
      text,
      edits.map((one) => one.line),
    );
    expect(all.documents).toHaveLength(4);
    expect(planEdits(all, edits)).toEqual(planEdits(whole, edits));
    expect(applyReplacements(text, planEdits(all, edits).replacements)).toContain(
      '--- {kind: Pod, metadata: {name: d, labels: {a: b}}, spec: {containers: [{name: app, securityContext: {runAsNonRoot: true}}]}}',
    );
  });

  it('parses a text with a directive whole, as a directive belongs to the document after it', () => {
    const directed = `%YAML 1.1\n--- !!map\n${text.slice(text.indexOf('kind: Pod'))}`;
    const [first] = edits as [ObjectEdit];
    const line = first.line - lineOf('kind: Pod') + 3;
    expect(editableYaml(directed, [line]).documents).toHaveLength(4);
    expect(planEdits(editableYaml(directed, [line]), [{ ...first, line }]).errors).toEqual([]);
  });
});
