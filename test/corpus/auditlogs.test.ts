import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditLog } from '../../src/engine/audit.js';
import type { SourcedEvent } from '../../src/inputs/audit/event.js';
import { readAuditLog } from '../../src/inputs/audit/read.js';
import type { Alert } from '../../src/model/alert.js';
import { describeShared, sharedDir } from '../paths.js';

/**
 * Falco's audit-log captures (../shared/corpora/auditlogs), with labels naming the technique each labelled event is
 * an instance of. Each file is its own capture, so each is read on its own: two of them hold the same auditID (a
 * capture edited into another test), which one run over both would rightly read as one event.
 */
interface Label {
  file: string;
  line: number;
  auditID: string;
  technique: string;
  confidence: 'high' | 'medium' | 'low';
}

const corpus = path.join(sharedDir, 'corpora/auditlogs');

describeShared('audit-log corpus (Falco captures)', () => {
  const files = readdirSync(path.join(corpus, 'falco'))
    .filter((name) => name.endsWith('.json'))
    .map((name) => `falco/${name}`);
  const labels: Label[] = readFileSync(path.join(corpus, 'labels.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

  it('reads every file with no malformed record, every event at the line a label names', async () => {
    expect(files.length).toBeGreaterThan(40);
    const read = new Map<string, SourcedEvent[]>();
    for (const file of files) {
      const events: SourcedEvent[] = [];
      const { stats, errors } = await readAuditLog([file], (sourced) => void events.push(sourced), { cwd: corpus });
      expect(errors, file).toEqual([]);
      expect(stats.malformed, file).toBe(0);
      expect(events.length, file).toBeGreaterThan(0);
      read.set(file, events);
    }
    for (const label of labels) {
      const found = read.get(label.file)?.find(({ event }) => event.auditID === label.auditID);
      expect(found?.source, `${label.file} ${label.auditID}`).toEqual({ file: label.file, line: label.line });
    }
  });

  describe('recall', () => {
    it('alerts every high and medium label with its technique, by file and auditID', async () => {
      const alerts = new Map<string, Alert[]>();
      for (const file of files) {
        const raised: Alert[] = [];
        await auditLog([file], { cwd: corpus, onAlert: (alert) => void raised.push(alert) });
        alerts.set(file, raised);
      }
      const detected = (label: Label) =>
        alerts
          .get(label.file)
          ?.some((alert) => alert.auditID === label.auditID && alert.techniques.includes(label.technique));
      const wanted = labels.filter((label) => label.confidence !== 'low');
      const missed = wanted.filter((label) => !detected(label));
      const labelled = new Set(labels.map((label) => `${label.file}\0${label.auditID}`));
      const unlabelled = [...alerts].flatMap(([file, raised]) =>
        raised
          .filter((alert) => !labelled.has(`${file}\0${alert.auditID}`))
          .map((alert) => `${file}:${alert.source.line} ${alert.rule} ${alert.techniques.join(',')}`),
      );
      const lowFound = labels.filter((label) => label.confidence === 'low' && detected(label)).length;
      console.log(
        [
          `audit recall: ${wanted.length - missed.length}/${wanted.length} high and medium labels, ` +
            `${lowFound}/${labels.length - wanted.length} low`,
          `alerts on unlabelled events (${unlabelled.length}):`,
          ...unlabelled.map((line) => `  ${line}`),
        ].join('\n'),
      );
      expect(missed.map((label) => `${label.file} ${label.technique}`)).toEqual([]);
    });
  });
});
