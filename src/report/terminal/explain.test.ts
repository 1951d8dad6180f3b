import { describe, expect, it } from 'vitest';
import { getMitigation, getTactic, mitigations, techniques } from '../../matrix/index.js';
import { renderExplain } from './explain.js';
import { paint } from './paint.js';

const plain = { width: 100, paint: paint(false) };

describe('renderExplain', () => {
  it.each(techniques)('explains $id with its tactics, detection and every mitigation', (technique) => {
    const text = renderExplain({ type: 'technique', entry: technique }, plain);
    expect(text).toContain(`${technique.id}  ${technique.name}`);
    for (const tactic of technique.tactics) expect(text).toContain(getTactic(tactic).name);
    for (const advice of technique.mitigations)
      expect(text).toContain(`${advice.id}  ${getMitigation(advice.id)?.name}`);
    if (technique.detection.question) expect(text).toContain('Ask:');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it.each(mitigations)('explains $id with the techniques it counters', (mitigation) => {
    const text = renderExplain({ type: 'mitigation', entry: mitigation }, plain);
    expect(text).toContain(`${mitigation.id}  ${mitigation.name}`);
    for (const id of mitigation.techniques) expect(text).toContain(id);
  });

  it('names the checks that assess a technique when told them', () => {
    const [technique] = techniques;
    if (!technique) throw new Error('empty knowledge base');
    const text = renderExplain({ type: 'technique', entry: technique }, { ...plain, checksFor: () => ['some-check'] });
    expect(text).toContain('Checked by');
    expect(text).toContain('some-check');
  });
});
