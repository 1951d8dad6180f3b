import { stringify } from 'yaml';
import type { ResourceRef } from '../model/report.js';
import { printable } from '../util/text.js';

/**
 * How every fix file is written: a header comment saying what it closes and what it would break, then its content.
 * Input text (names, images, messages) reaches comments on one line, control characters escaped, so that no input
 * can end the comment and become content.
 */

/** Input text made safe for one comment line: line breaks and other control characters as visible escapes. */
export const commentText = printable;

/**
 * `deployment-shop-web.yaml`, made unique among `taken` (which it joins) when two definitions share an identity: a
 * base and an overlay, one folder per environment.
 */
export function uniqueFileName({ kind, namespace, name }: ResourceRef, taken: Set<string>): string {
  const base = [kind, namespace, name]
    .filter(Boolean)
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-');
  let file = `${base}.yaml`;
  for (let n = 2; taken.has(file); n++) file = `${base}-${n}.yaml`;
  taken.add(file);
  return file;
}

/** `Deployment shop/web`, `Namespace shop`. */
export function refName({ kind, namespace, name }: ResourceRef): string {
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

export interface Header {
  /** What the file is, one line. */
  readonly title: string;
  readonly closes: readonly string[];
  readonly breaks: readonly string[];
  /** Anything else the reviewer needs: how to apply it, what blocks the next step. */
  readonly notes?: readonly string[];
}

/** The header comment, `#` lines (YAML and shell alike). */
export function headerComment({ title, closes, breaks, notes = [] }: Header): string {
  const lines = [
    title,
    '',
    'Closes:',
    ...(closes.length ? closes.map((line) => `  - ${line}`) : ['  - nothing by itself (see the notes below)']),
    'Would break today:',
    ...(breaks.length ? breaks.map((line) => `  - ${line}`) : ['  - nothing that runs in the input']),
    ...(notes.length ? ['', ...notes] : []),
  ];
  return `${lines.map((line) => (line ? `# ${commentText(line)}` : '#')).join('\n')}\n`;
}

/** Objects as YAML documents, Kubernetes booleans and all, after the header. */
export function yamlFile(header: Header, objects: readonly Readonly<Record<string, unknown>>[]): string {
  const documents = objects.map((object) => stringify(object, { version: '1.1', lineWidth: 0 }));
  return `${headerComment(header)}${documents.join('---\n')}`;
}

/** A shell word that stays one word, whatever the input put in it. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * A fix file's text from header lines (each a `#` comment, input text escaped as in {@link headerComment}), then each
 * object as a YAML document, ready for `kubectl apply -f`. Lines are never folded: a CEL expression stays as written.
 */
export function manifestText(header: readonly string[], objects: readonly Readonly<Record<string, unknown>>[]): string {
  const comments = header.flatMap((line) => line.split('\n')).map((line) => (line ? `# ${commentText(line)}` : '#'));
  const documents = objects.map((object) => stringify(object, { lineWidth: 0, version: '1.1' }));
  return `${comments.join('\n')}\n${documents.join('---\n')}`;
}

/** `a, b and c`. */
export function listText(items: readonly string[]): string {
  if (items.length < 2) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** A label every generated object carries, so that a reviewer (and `kubectl delete -l`) finds them. */
export const GENERATED_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/managed-by': 'kubematrix' };
