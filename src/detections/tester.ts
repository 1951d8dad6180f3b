/** Test support for detection authors (RuleTester-style tables); excluded from the published build. */
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../inputs/audit/event.js';
import type { TechniqueId } from '../matrix/types.js';
import type { Alert } from '../model/alert.js';
import type { Severity } from '../model/report.js';
import type { AnyDetection, DetectionSettings } from './define.js';
import { type AllowList, createPipeline } from './pipeline.js';

/** Deep partial of an event: a case states what matters to it, {@link auditEvent} fills the rest as an API server would. */
export type EventOverrides = { readonly [K in keyof AuditEvent]?: AuditEvent[K] };

let sequence = 0;

/**
 * A `ResponseComplete` event at level `RequestResponse`, as kube-apiserver writes one: a human user creating a pod in
 * `default`, with success. Overrides replace whole top-level fields.
 */
export function auditEvent(overrides: EventOverrides = {}): AuditEvent {
  sequence++;
  return {
    auditID: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    stage: 'ResponseComplete',
    level: 'RequestResponse',
    verb: 'create',
    requestURI: '/api/v1/namespaces/default/pods',
    user: { username: 'alice@example.com', groups: ['developers', 'system:authenticated'] },
    sourceIPs: ['203.0.113.7'],
    userAgent: 'kubectl/v1.31.0 (linux/amd64) kubernetes/abcdef0',
    objectRef: { resource: 'pods', namespace: 'default', name: 'web', apiVersion: 'v1' },
    responseStatus: { code: 201 },
    requestReceivedTimestamp: '2026-11-30T10:00:00.000000Z',
    stageTimestamp: '2026-11-30T10:00:00.020000Z',
    ...overrides,
  };
}

export interface ExpectedAlert {
  techniques?: readonly TechniqueId[];
  severity?: Severity;
  message?: string | RegExp;
}

export interface DetectionCase {
  name: string;
  /** The events of the case, in log order (several for rules that count over time). */
  events: readonly AuditEvent[];
  settings?: Partial<DetectionSettings>;
  allow?: AllowList;
}

export interface DetectionTable {
  valid: readonly DetectionCase[];
  invalid: readonly (DetectionCase & { alerts: readonly ExpectedAlert[] })[];
}

/** Runs one detection over events through the real pipeline, as `kubematrix audit` would. */
export function runDetection(detection: AnyDetection, testCase: Omit<DetectionCase, 'name'>): Alert[] {
  const pipeline = createPipeline({
    detections: [detection],
    ...(testCase.settings ? { settings: testCase.settings } : {}),
    ...(testCase.allow ? { allow: testCase.allow } : {}),
  });
  return testCase.events.flatMap((event, index) =>
    pipeline.push({ event, source: { file: 'test.log', line: index + 1 } }),
  );
}

/**
 * ESLint RuleTester, for detections: `valid` cases raise no alert; each `invalid` case raises exactly the listed
 * alerts, in order. No alert may quote a value held under `data` or `stringData` in the request or response body.
 */
export function testDetection(detection: AnyDetection, table: DetectionTable): void {
  describe(detection.id, () => {
    it('has cases on both sides, none repeated', () => {
      const sources = [...table.valid, ...table.invalid].map((c) => c.name);
      expect(new Set(sources).size).toBe(sources.length);
      expect(table.valid.length).toBeGreaterThan(0);
      expect(table.invalid.length).toBeGreaterThan(0);
      for (const invalid of table.invalid) expect(invalid.alerts.length).toBeGreaterThan(0);
    });
    for (const testCase of table.valid) {
      it(`stays quiet: ${testCase.name}`, () => {
        expect(runDetection(detection, testCase)).toEqual([]);
      });
    }
    for (const testCase of table.invalid) {
      it(`alerts: ${testCase.name}`, () => {
        const alerts = runDetection(detection, testCase);
        expect(alerts).toHaveLength(testCase.alerts.length);
        for (const [index, expected] of testCase.alerts.entries()) {
          const alert = alerts[index] as Alert;
          expect(alert.rule).toBe(detection.id);
          if (expected.techniques) expect(alert.techniques).toEqual(expected.techniques);
          if (expected.severity) expect(alert.severity).toBe(expected.severity);
          if (expected.message) expect(alert.message).toMatch(expected.message);
          expect(alert.message).not.toMatch(/\n/);
        }
        const secrets = testCase.events.flatMap((event) => [
          ...dataValues(event.requestObject),
          ...dataValues(event.responseObject),
        ]);
        for (const value of secrets) expect(JSON.stringify(alerts)).not.toContain(value);
      });
    }
  });
}

/** Every string under a `data` or `stringData` key, at any depth: values an alert must never quote. */
function dataValues(body: unknown, inData = false): string[] {
  if (typeof body === 'string') return inData && body.length >= 4 ? [body] : [];
  if (!body || typeof body !== 'object') return [];
  return Object.entries(body).flatMap(([key, value]) =>
    dataValues(value, inData || key === 'data' || key === 'stringData'),
  );
}
