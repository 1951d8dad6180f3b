import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Composer, Parser } from 'yaml';
import { DEFAULT_LIMITS } from '../../src/inputs/limits.js';
import { type ManifestInput, parseManifest } from '../../src/inputs/manifests.js';
import type { FieldPath } from '../../src/inputs/path.js';
import { PlainConverter, REFUSED } from '../../src/inputs/plain-yaml.js';
import { describeShared, repoRoot, sharedDir } from '../paths.js';

/**
 * The fast paths of reading YAML (src/inputs/plain-lines.ts, src/inputs/plain-yaml.ts) must give what composing
 * every document gives: the same values (types, key order), the same file:line:column for every field and for
 * missing ones, the same errors and the same count of ignored documents. Each input is read the three ways (see
 * `Reading`) and compared.
 */

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * Reads `text` the three ways; returns whether the line reader took the whole file (no parser ran), and, reading
 * without it, how many documents the tree converter converted and whether the composer had to read the file too.
 */
function compare(text: string | Buffer, file = 'in.yaml'): { lines: boolean; converted: number; composed: boolean } {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const parse = vi.spyOn(Parser.prototype, 'parse');
  const byLines = parseManifest(file, bytes);
  const lines = parse.mock.calls.length === 0;
  const convert = vi.spyOn(PlainConverter.prototype, 'convert');
  const compose = vi.spyOn(Composer.prototype, 'compose');
  const byTree = parseManifest(file, bytes, undefined, undefined, 'tree');
  const converted = convert.mock.results.filter((result) => result.value !== REFUSED).length;
  const composed = compose.mock.calls.length > 0;
  vi.restoreAllMocks();
  const byComposer = parseManifest(file, bytes, undefined, undefined, 'composer');
  expectSame(byLines, byComposer, `${file} (lines)`);
  expectSame(byTree, byComposer, `${file} (tree)`);
  return { lines, converted, composed };
}

/**
 * The composer reports a stack overflow (a nesting of hundreds of levels) where the stack ran out, which depends on
 * how large the frames of the functions on it were, optimised or not: whether it ran out at all (else toPlain
 * reports the depth), and where, is not compared; that the document was refused for its nesting is.
 */
const unlocated = (input: ManifestInput) =>
  input.errors.map((error) =>
    /nesting too deep to parse|nesting deeper than/.test(error.message)
      ? { ...error, message: 'nesting', column: 0 }
      : error,
  );

function expectSame(fast: ManifestInput, composed: ManifestInput, file: string): void {
  // One comparison of everything, and only on a difference an assertion per part, naming it (expect() per field of
  // every corpus file would take most of the test's time).
  if (isDeepStrictEqual(reading(fast), reading(composed))) return;
  expect(unlocated(fast), file).toStrictEqual(unlocated(composed));
  expect(fast.ignored, file).toBe(composed.ignored);
  expect(fast.objects.length, file).toBe(composed.objects.length);
  fast.objects.forEach((object, index) => {
    const other = composed.objects[index];
    expect(JSON.stringify(object.object), file).toBe(JSON.stringify(other?.object));
    expect(object.object, file).toStrictEqual(other?.object);
    for (const fieldPath of fieldPaths(object.object, [])) {
      expect(object.locate(fieldPath), `${file} ${fieldPath.join('.')}`).toStrictEqual(other?.locate(fieldPath));
    }
  });
  expect.unreachable(`${file}: the readings differ`);
}

/** All that a reading gives, key order included, each field's location with it. */
function reading(input: ManifestInput) {
  return {
    errors: unlocated(input),
    ignored: input.ignored,
    objects: input.objects.map((read) => ({
      object: read.object,
      text: JSON.stringify(read.object),
      locations: fieldPaths(read.object, []).map((fieldPath) => read.locate(fieldPath)),
    })),
  };
}

/** Every field's path, and a missing key and a missing item under every mapping and list. */
function fieldPaths(value: unknown, base: FieldPath, out: FieldPath[] = []): FieldPath[] {
  out.push(base);
  if (value && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
    for (const [key, child] of entries) fieldPaths(child, [...base, key], out);
    out.push([...base, 'missing'], [...base, 1e6]);
  }
  return out;
}

const object = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n${data}`;

/** Documents the fast path must take (and read as the composer does). */
const plain: Record<string, string> = {
  'YAML 1.1 scalars': object(
    [
      'yes',
      'No',
      'ON',
      'off',
      'y',
      'n',
      '~',
      'null',
      'Null',
      '',
      '0x1F',
      '017',
      '0b101',
      '1_000',
      '+12',
      '-0',
      '.inf',
      '-.Inf',
      '.NaN',
      '1e3',
      '1.5',
      '6.8523015e+5',
      '1_2.5_0',
      '190:20:30',
      '-1:30.5',
      '2001-12-14',
      '2001-12-14t21:59:43.10-05:00',
      '2001-12-14 21:59:43.10 -5',
      '12345678901234567890',
      'true1',
      'a b c',
      'http://x:80/y',
      '-a',
      '?b',
      ':c',
    ]
      .map((value, i) => `  k${i}: ${value}\n`)
      .join(''),
  ),
  'quoted scalars and escapes': object(
    `  a: "yes"\n  b: 'on'\n  c: "\\u00e9\\x41\\t\\"\\\\ \\N\\_"\n  d: 'it''s'\n  e: ""\n  f: "1"\n  g: "a\n    b\n\n    c"\n  h: 'x\n\n    y'\n  i: "\\U0001F600"\n`,
  ),
  'multi-line plain scalars': object('  a: one\n    two\n\n    three\n  b: x\n     # not a comment\n'),
  'block scalars: folded, literal, chomping, indentation': object(
    '  a: |\n    one\n     two\n\n  b: |-\n    x\n\n  c: |+\n    y\n\n\n  d: >\n    folded\n    text\n\n     more\n    end\n  e: >-\n    z\n  f: >+\n    w\n\n  g: |2\n     lead\n  h: |\n\n    after blank\n',
  ),
  'keys of every scalar type': object(
    '  "quoted key": 1\n  \'single\': 2\n  1: a\n  true: b\n  null: c\n  2001-01-01: d\n  0x10: e\n  1.50: f\n  .inf: g\n',
  ),
  'empty values and items': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\ndata:\n  a:\n  b: # comment\n  c:\nitems:\n- \n-\n- # c\n  - x\nlast:`,
  'lists at the key indentation, nested lists and mappings': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    args:\n    - - x\n      - y\n    - z\n  - name: b\n    env:\n      - name: E\n        value: "1"\n`,
  'trailing commas and space in flow collections': object('  a: [x, y,]\n  b: {k: v, }\n  c: [\n    x\n    ]\n'),
  'flow collections of scalars': object(
    '  a: {}\n  b: []\n  c: [x, "y", 1, yes]\n  d: {k: v, "q": 2, n: ~}\n  e: [ a , b ]\n  f: [\n    x,\n    y\n  ]\n',
  ),
  'comments everywhere': `# head\napiVersion: v1 # c\nkind: ConfigMap # c\n# between\nmetadata:\n  # inside\n  name: c\n\n# before data\ndata:\n  a: "x" # after quoted\n  b: |  # header comment\n    text\n  # trailing\n`,
  'documents with --- and comments, ..., empty documents': `--- # first\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n...\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n--- \n`,
  'CRLF line ends':
    'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: c\r\ndata:\r\n  a: |\r\n    x\r\n    y\r\n  b: "p\r\n    q"\r\n',
  'a very long line': object(`  a: ${'x'.repeat(100_000)}\n  b: "${'y'.repeat(50_000)}"\n`),
  'unicode keys and values': object('  ключ: значение\n  emoji: 😀\n  "\\u2028": x\n'),
  'scalars and lists as documents': '--- just text\n--- 12\n--- [a, b]\n---\n- a\n- b\n',
  'a List of objects': `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: b\n`,
  'a key named __proto__': object('  __proto__: x\n  constructor: y\n'),
};

/** Files the line reader must take whole (and read as the composer does). */
const byLines: Record<string, string> = {
  "the bench generator's shapes: flow collections, lists at the key indentation, a literal block, blank lines": `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n  labels: {app: a, tier: web}\nspec:\n  template:\n    spec:\n      containers:\n      - name: main\n        ports:\n        - containerPort: 8080\n        env:\n        - name: E\n          value: ""\n        resources:\n          limits: {cpu: 500m, memory: 256Mi}\n      - name: b\n\n      volumes:\n      - name: v\n\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  s.yaml: |\n    feature: on\n      deeper: 3\n  t: |-\n    x\n  u: http://x:80\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules:\n- verbs: ["get", "list"]\n  resources: [ pods , 'secrets' ]\n`,
  'YAML 1.1 scalars, keys of every type, a comment after a value, no newline at the end': object(
    '  a: yes\n  b: 0x1F\n  c: -1\n  d: -a\n  e: ~\n  f: 2001-12-14\n  1: x\n  true: y\n  g: "q" # c\n  h: x#y\n  i: [yes, 1, ~]\n  __proto__: p\n  j: \'it\'\n  k: v  ',
  ),
  'a compact mapping in a list, a list of scalars': object('  a:\n    - x: 1\n      y:\n      - z\n    - w\n'),
};

/** Files the line reader leaves to the parser, which takes them (read as the composer does). */
const notByLines: Record<string, string> = {
  'a comment on its own line': object('  # c\n  a: x\n'),
  'a folded block': object('  a: >\n    x\n'),
  'a kept block': object('  a: |+\n    x\n\n'),
  'a blank line in a literal block': object('  a: |\n    x\n\n    y\n'),
  'a literal block at the end, without a newline': object('  a: |\n    x'),
  'a literal block after a blank line': object('  a: |\n\n    x\n'),
  'a literal block in a list': object('  a:\n  - |\n    x\n'),
  'a literal block before a blank line': object('  a: |\n    x\n\n  b: y\n'),
  'an escape in double quotes': object('  a: "x\\ty"\n'),
  'a quote in single quotes': object("  a: 'it''s'\n"),
  'nested flow collections': object('  a: [x, [y]]\n'),
  'a flow collection on two lines': object('  a: [x,\n    y]\n'),
  'a multi-line plain scalar': object('  a: x\n    y\n'),
  'an empty value': object('  a:\n  b: x\n'),
  'a list in a list': object('  a:\n  - - x\n'),
  'a line of spaces': object('  a: x\n   \n  b: y\n'),
  'a blank line before a nested value': object('  a:\n\n    b: x\n'),
  'a key with a space': object('  a b: x\n'),
  'a quoted key': object('  "a": x\n'),
  'a document marker with content': `--- {a: b}\n`,
  'an empty document': `apiVersion: v1\n---\n---\nkind: x\n`,
  'a list at the root': '- a\n- b\n',
  'a flow mapping key with a URL value': object('  a: {u: http://x}\n'),
};

/** Documents the composer must read: it reports them, or they use what the fast path leaves to it. */
const composedOnly: Record<string, string> = {
  anchors: object('  a: &x one\n  b: *x\n'),
  'merge keys': `base: &b {x: 1}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  <<: *b\n  name: c\n`,
  tags: object('  a: !!str 1\n  b: !custom x\n'),
  directive: '%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
  'duplicate keys': object('  a: 1\n  a: 2\n'),
  'keys equal once typed': object('  null: a\n  ~: b\n'),
  'keys equal as text only': object('  1: a\n  "1": b\n'),
  'tab as indentation': object('\ta: 1\n'),
  'a tab after a colon': object('  a:\t1\n'),
  'bad indentation': object('  a: 1\n   b: 2\n'),
  'an explicit key': object('  ? a\n  : 1\n'),
  'a mapping as key': object('  {a: 1}: x\n'),
  'a multi-line key': object('  "a\n  b": 1\n'),
  'an unterminated quote': object('  a: "x\n'),
  'content after ...': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n... junk\n---\nkind: x\n`,
  'an error between documents': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n`,
  'a comma alone in a flow collection': object('  a: [,]\n'),
  'an empty item in a flow collection': object('  a: [x, , y]\n'),
  'a comment in a flow collection': object('  a: [x, # c\n    y]\n'),
  'a comment without space': object('  a: "x"#c\n'),
  'a compact nested mapping': object('  a: b: c\n'),
  'a block scalar at the root': '|\n  text\n',
  'Helm template syntax': object('  name: {{ .Values.name }}\n'),
  'a plain scalar starting with a reserved character': object('  a: @x\n  b: `y\n'),
  'a plain scalar starting with a comma': object('  a: ,x\n'),
  'a plain scalar starting with %': object('  a: %y\n'),
  'the first document plain, the second refused': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n`,
  'nesting beyond the depth bound': object(`  a: ${'['.repeat(80)}${']'.repeat(80)}\n`),
  'deep block nesting': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n${Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i + 1)}k:`).join('\n')} x\n`,
};

describe('the fast paths of reading YAML', () => {
  for (const [name, text] of Object.entries(plain)) {
    it(`takes and reads as the composer does: ${name}`, () => {
      const { converted, composed } = compare(text);
      expect(composed).toBe(false);
      expect(converted).toBeGreaterThan(0);
    });
  }

  for (const [name, text] of Object.entries(byLines)) {
    it(`reads line by line as the composer does: ${name}`, () => {
      const { lines, converted } = compare(text);
      expect(lines).toBe(true);
      expect(converted).toBeGreaterThan(0);
    });
  }

  for (const [name, text] of Object.entries(notByLines)) {
    it(`leaves to the parser: ${name}`, () => {
      expect(compare(text).lines).toBe(false);
    });
  }

  for (const [name, text] of Object.entries(composedOnly)) {
    it(`leaves to the composer: ${name}`, () => {
      for (const variant of [text, text.replace(/\n/g, '\r\n')]) {
        const { lines, composed } = compare(variant);
        expect(lines).toBe(false);
        expect(composed).toBe(true);
      }
    });
  }

  it('is bounded as toPlain is: past the node bound, the composed document is reported', () => {
    const text = object(Array.from({ length: 50 }, (_, i) => `  k${i}: v\n`).join(''));
    const limits = { ...DEFAULT_LIMITS, nodesPerDocument: 20 };
    const fast = parseManifest('in.yaml', Buffer.from(text), limits);
    const composed = parseManifest('in.yaml', Buffer.from(text), limits, undefined, 'composer');
    expect(fast.errors[0]?.message).toMatch(/nodesPerDocument/);
    expectSame(fast, composed, 'bounded');
  });

  it('reads a byte-order mark as the composer does', () => {
    compare(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(plain['a List of objects'] as string)]));
  });

  it('reads the fixtures and examples as the composer does, taking all but the broken and hostile ones', () => {
    const files = yamlFiles([path.join(repoRoot, 'test/fixtures'), path.join(repoRoot, 'examples')]);
    const composed = files.filter((file) => compare(readFileSync(file), file).composed);
    expect(composed.filter((file) => !/hostile|bad-input|broken/.test(file))).toEqual([]);
  });

  // Three sets of mutants, each a test: together they take longer than one test may on a loaded machine.
  it.each([24, 25, 26])(
    'reads mutated fixtures as the composer does: errors, values and locations (seed %i)',
    (seed) => {
      const files = yamlFiles([path.join(repoRoot, 'test/fixtures')]).filter((file) => !/deep/.test(file));
      const random = seeded(seed);
      let converted = 0;
      let lines = 0;
      for (let mutant = 0; mutant < 500; mutant++) {
        const text = mutate(readFileSync(files[random(files.length)] as string, 'utf8'), random);
        const read = compare(text, `mutant ${mutant}`);
        converted += read.converted;
        if (read.lines) lines++;
      }
      expect(converted).toBeGreaterThan(150);
      expect(lines).toBeGreaterThan(10);
    },
  );
});

describeShared('the fast path on shared corpora', () => {
  // A test per folder: together they take longer than one test may on a loaded machine.
  const corpora = path.join(sharedDir, 'corpora');
  const folders = existsSync(corpora)
    ? readdirSync(corpora, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? readdirSync(path.join(corpora, entry.name), { withFileTypes: true })
              .filter((child) => child.isDirectory())
              .map((child) => path.join(entry.name, child.name))
          : [],
      )
    : [];
  it.each(folders)('reads every YAML file of ../shared/corpora/%s as the composer does, taking most', (folder) => {
    let converted = 0;
    for (const file of yamlFiles([path.join(corpora, folder)]))
      converted += compare(readFileSync(file), file).converted;
    if (folder.startsWith('manifests')) expect(converted).toBeGreaterThan(10);
  });

  /** The bench generator's files (300 resources), in a folder removed afterwards. */
  const generated = (use: (files: string[]) => void) => {
    const directory = mkdtempSync(path.join(tmpdir(), 'kubematrix-plain-'));
    try {
      execFileSync('python3', [path.join(sharedDir, 'bench/gen.py'), 'manifests', directory, '300']);
      use(yamlFiles([directory]));
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  };

  it('takes every file of the bench generator line by line, and reads them as the composer does', () => {
    generated((files) => {
      for (const file of files) {
        const { lines, composed } = compare(readFileSync(file), file);
        expect(lines).toBe(true);
        expect(composed).toBe(false);
      }
    });
  });

  it("reads mutants of the bench generator's documents as the composer does, many line by line", () => {
    generated((files) => {
      const random = seeded(27);
      const documents = files.flatMap((file) => readFileSync(file, 'utf8').split(/^(?=---\n)/m));
      let lines = 0;
      for (let mutant = 0; mutant < 300; mutant++) {
        const text = documents
          .slice(random(documents.length - 3))
          .slice(0, 3)
          .join('');
        if (compare(mutate(text, random), `generator mutant ${mutant}`).lines) lines++;
      }
      expect(lines).toBeGreaterThan(40);
    });
  });
});

function yamlFiles(roots: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && /\.(ya?ml|json)$/i.test(entry.name)) files.push(child);
    }
  };
  for (const root of roots) if (existsSync(root)) walk(root);
  return files;
}

/** Syntax to insert in mutants. */
const pieces = [' ', '\t', '\n', ':', '- ', '#', '"', "'", '{', '}', '[', ']', ',', '---\n', '...\n', '&a ', '*a'];
pieces.push('!!str ', '? ', '|', '>-', 'yes', '~', '0x1F', '.inf', '\r\n', '%YAML 1.1\n', '<<: ', '@', '\u2028');

/** `text` with one to three random edits: a piece inserted, characters deleted, a line repeated elsewhere. */
function mutate(original: string, random: (n: number) => number): string {
  let text = original;
  for (let edits = 1 + random(3); edits > 0; edits--) {
    const at = random(text.length + 1);
    const edit = random(3);
    if (edit === 0) text = text.slice(0, at) + pieces[random(pieces.length)] + text.slice(at);
    else if (edit === 1) text = text.slice(0, at) + text.slice(at + 1 + random(4));
    else {
      const lines = text.split('\n');
      lines.splice(random(lines.length), 0, lines[random(lines.length)] as string);
      text = lines.join('\n');
    }
  }
  return text;
}

/** A repeatable sequence of numbers below `n`: the same mutants on every run. */
function seeded(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
}
