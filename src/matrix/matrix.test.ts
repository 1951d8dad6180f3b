import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeShared, repoRoot, sharedDir } from '../../test/paths.js';
import { getMitigation, getTechnique, lookup, mitigations, tactics, techniques } from './index.js';

interface Reference {
  tactics: { key: string; name: string; attackTacticId: string; techniques: string[] }[];
  techniques: { id: string; name: string; tactics: string[]; attackTechniques: string[]; mitigations: string[] }[];
  mitigations: { id: string; name: string; attackMitigations: string[]; techniques: string[] }[];
}

// The published facts, kept in the repository (test/reference/README.md names the source and licence).
const referencePath = path.join(repoRoot, 'test/reference/threat-matrix.json');
const reference = JSON.parse(readFileSync(referencePath, 'utf8')) as Reference;

describeShared('in-repo reference matrix', () => {
  it('is an exact copy of ../shared/reference/threat-matrix.json', () => {
    const shared = readFileSync(path.join(sharedDir, 'reference/threat-matrix.json'), 'utf8');
    expect(readFileSync(referencePath, 'utf8')).toBe(shared);
  });
});

describe('knowledge base against the published matrix', () => {
  it('has the same tactics, in order, with the same techniques in order', () => {
    expect(tactics.map((t) => [t.id, t.name, t.attack, t.techniques])).toEqual(
      reference.tactics.map((t) => [t.key, t.name, t.attackTacticId, t.techniques]),
    );
  });

  it('has exactly the published techniques (40, no MS-TA9032)', () => {
    expect(techniques.map((t) => t.id)).toEqual(reference.techniques.map((t) => t.id));
    expect(techniques).toHaveLength(40);
    expect(getTechnique('MS-TA9032')).toBeUndefined();
  });

  it.each(reference.techniques)('$id: name, tactics, ATT&CK IDs and mitigation links', (ref) => {
    const technique = getTechnique(ref.id);
    expect(technique?.name).toBe(ref.name);
    expect(technique?.tactics).toEqual(ref.tactics);
    expect(technique?.attack).toEqual(ref.attackTechniques);
    expect(technique?.mitigations.map((m) => m.id)).toEqual(ref.mitigations);
  });

  it('has exactly the published mitigations, sub-mitigations included', () => {
    expect(mitigations.map((m) => m.id)).toEqual(reference.mitigations.map((m) => m.id));
    expect(getMitigation('MS-M9005.003')?.name).toBe('Gate images deployed to Kubernetes cluster');
  });

  it.each(reference.mitigations)('$id: name, ATT&CK IDs and technique links', (ref) => {
    const mitigation = getMitigation(ref.id);
    expect(mitigation?.name).toBe(ref.name);
    expect(mitigation?.attack).toEqual(ref.attackMitigations);
    expect(mitigation?.techniques).toEqual(ref.techniques);
  });

  it('lists every technique under each of its tactics and nowhere else', () => {
    for (const technique of techniques) {
      const columns = tactics.filter((t) => t.techniques.includes(technique.id)).map((t) => t.id);
      expect(columns.sort()).toEqual([...technique.tactics].sort());
    }
  });
});

describe('knowledge base prose', () => {
  it.each(techniques)('$id is described: summary, detection and one action per mitigation', (technique) => {
    const sentences = technique.summary.split(/[.!?](?:\s|$)/).filter((s) => s.trim()).length;
    expect(sentences).toBeGreaterThanOrEqual(2);
    expect(sentences).toBeLessThanOrEqual(4);
    expect(technique.detection.signals.length).toBeGreaterThan(0);
    expect(technique.detection.text.length).toBeGreaterThan(40);
    // A question is what makes a technique answerable when no data shows it; it must come with the signal.
    expect(technique.detection.signals.includes('question')).toBe(technique.detection.question !== undefined);
    for (const advice of technique.mitigations) expect(advice.action.length).toBeGreaterThan(20);
  });

  it.each(mitigations)('$id has a what-to-do', (mitigation) => {
    expect(mitigation.summary.length).toBeGreaterThan(30);
  });

  it('has no placeholder text', () => {
    expect(JSON.stringify({ techniques, mitigations })).not.toMatch(/TODO|TBD|lorem/i);
  });
});

describe('lookup', () => {
  it.each([
    ['MS-TA9013', 'MS-TA9013'],
    ['ms-ta9013', 'MS-TA9013'],
    ['9013', 'MS-TA9013'],
    ['TA9013', 'MS-TA9013'],
    ['ms-m9013', 'MS-M9013'],
    ['M9005.003', 'MS-M9005.003'],
    ['hostpath', 'MS-TA9013'],
    ['Host Path', 'MS-TA9013'],
    ['coredns', 'MS-TA9035'],
    ['Privileged container', 'MS-TA9018'],
  ])('%s resolves to %s', (query, id) => {
    expect(lookup(query).map((m) => m.entry.id)).toEqual([id]);
  });

  it('finds every technique and mitigation by its ID, in any case', () => {
    for (const { id } of [...techniques, ...mitigations]) {
      expect(lookup(id).map((m) => m.entry.id)).toEqual([id]);
      expect(lookup(id.toLowerCase()).map((m) => m.entry.id)).toEqual([id]);
    }
  });

  it('returns every candidate for an ambiguous fragment', () => {
    const ids = lookup('credentials').map((m) => m.entry.id);
    expect(ids).toEqual(expect.arrayContaining(['MS-TA9001', 'MS-TA9027', 'MS-TA9028', 'MS-M9026']));
  });

  it('returns nothing for an unknown query', () => {
    expect(lookup('MS-TA9032')).toEqual([]);
    expect(lookup('quantum flux')).toEqual([]);
    expect(lookup('  ')).toEqual([]);
  });
});
