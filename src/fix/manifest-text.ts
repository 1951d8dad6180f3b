import { stringify } from 'yaml';

type Json = Readonly<Record<string, unknown>>;

/**
 * A fix file's text: its header as `#` comments (what it closes, what it would break), then each object as a YAML
 * document, ready for `kubectl apply -f`. Lines are never folded: a CEL expression stays as written.
 */
export function manifestText(header: readonly string[], objects: readonly Json[]): string {
  const comments = header.flatMap((line) => line.split('\n')).map((line) => (line ? `# ${line}` : '#'));
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
