import { mitigations } from './mitigations.js';
import { tactics } from './tactics.js';
import { techniques } from './techniques.js';
import type { Mitigation, MitigationId, Tactic, TacticKey, Technique, TechniqueId } from './types.js';

export type * from './types.js';
export { mitigations, tactics, techniques };

const techniqueById = new Map<string, Technique>(techniques.map((t) => [t.id, t]));
const mitigationById = new Map<string, Mitigation>(mitigations.map((m) => [m.id, m]));
const tacticById = new Map<string, Tactic>(tactics.map((t) => [t.id, t]));

export function getTechnique(id: TechniqueId | string): Technique | undefined {
  return techniqueById.get(id.toUpperCase());
}

export function getMitigation(id: MitigationId | string): Mitigation | undefined {
  return mitigationById.get(id.toUpperCase());
}

export function getTactic(id: TacticKey): Tactic {
  const tactic = tacticById.get(id);
  if (!tactic) throw new Error(`unknown tactic ${id}`);
  return tactic;
}

export function isTechniqueId(id: string): id is TechniqueId {
  return techniqueById.has(id);
}

export function isMitigationId(id: string): id is MitigationId {
  return mitigationById.has(id);
}

export type MatrixEntry = { type: 'technique'; entry: Technique } | { type: 'mitigation'; entry: Mitigation };

/**
 * Resolves what a user typed: an exact ID (any case), or a fragment of a name.
 * Name matching ignores case and punctuation so `hostpath`, `host path` and `Writable-hostPath` all match.
 */
export function lookup(query: string): MatrixEntry[] {
  const id = normalizeId(query);
  const technique = techniqueById.get(id);
  if (technique) return [{ type: 'technique', entry: technique }];
  const mitigation = mitigationById.get(id);
  if (mitigation) return [{ type: 'mitigation', entry: mitigation }];

  const needle = squash(query);
  if (!needle) return [];
  const matches: MatrixEntry[] = [];
  for (const entry of techniques) {
    if (squash(entry.name).includes(needle)) matches.push({ type: 'technique', entry });
  }
  for (const entry of mitigations) {
    if (squash(entry.name).includes(needle)) matches.push({ type: 'mitigation', entry });
  }
  // A full name is an answer even when it is also part of a longer name.
  const exact = matches.filter(({ entry }) => squash(entry.name) === needle);
  return exact.length === 1 ? exact : matches;
}

/** Accepts the short forms the terminal matrix shows: `9013`, `TA9013`, `M9013`. */
function normalizeId(query: string): string {
  const id = query.trim().toUpperCase();
  if (/^\d{4}$/.test(id)) return `MS-TA${id}`;
  if (/^(TA|M)9\d{3}(\.\d{3})?$/.test(id)) return `MS-${id}`;
  return id;
}

function squash(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}
