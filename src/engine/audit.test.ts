import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { expect, it, vi } from 'vitest';
import { auditEvent } from '../detections/tester.js';
import type { Alert } from '../model/alert.js';
import { auditLog } from './audit.js';

/** A log of its own (a fresh clone has no ../shared): a privileged pod created, which alerts. */
const LOGS = path.join(mkdtempSync(path.join(tmpdir(), 'kubematrix-audit-heap-')), 'audit.log');
writeFileSync(
  LOGS,
  `${JSON.stringify(
    auditEvent({
      objectRef: { resource: 'pods', namespace: 'shop', name: 'debug', apiVersion: 'v1' },
      requestObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'debug', namespace: 'shop' },
        spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] },
      },
    }),
  )}\n`,
);
const LIMIT = '--heap-growing-percent=100';
const V8_OWN = '--heap-growing-percent=0';

vi.mock('node:v8', async (original) => {
  const v8 = await original<typeof import('node:v8')>();
  return { ...v8, setFlagsFromString: vi.fn(v8.setFlagsFromString) };
});

/** The flags set through `v8.setFlagsFromString` from now on, in order. */
function flagsSet(): () => unknown[] {
  const spy = vi.mocked(setFlagsFromString);
  spy.mockClear();
  return () => spy.mock.calls.map(([flags]) => flags);
}

it('limits the heap’s growth while logs are read, and gives V8 its own back once the last run ends', async () => {
  const set = flagsSet();
  let during: unknown[] = [];
  let alerts = 0;
  await auditLog([LOGS], {
    onAlert: () => {
      alerts++;
      during = set();
    },
  });
  expect(alerts).toBeGreaterThan(0);
  expect(during).toEqual([LIMIT]);
  expect(set()).toEqual([LIMIT, V8_OWN]);
});

it('gives V8 its own growth back only when the last of runs at once ends', async () => {
  const set = flagsSet();
  // The first run waits at its first alert until the second has ended.
  let secondEnded!: () => void;
  const gate = new Promise<void>((resolve) => {
    secondEnded = resolve;
  });
  const first = auditLog([LOGS], { onAlert: () => gate });
  await auditLog([LOGS]);
  expect(set()).toEqual([LIMIT]);
  secondEnded();
  await first;
  expect(set()).toEqual([LIMIT, V8_OWN]);
});

it('hands every alert on once, in order, whether the output takes it at once or makes the run wait', async () => {
  const pod = (name: string, securityContext: object, volumes: object[] = []) =>
    auditEvent({
      objectRef: { resource: 'pods', namespace: 'shop', name, apiVersion: 'v1' },
      requestObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'shop' },
        spec: { containers: [{ name: 'c', image: 'busybox', securityContext }], volumes },
      },
    });
  const hostRoot = [{ name: 'root', hostPath: { path: '/' } }];
  const file = path.join(path.dirname(LOGS), 'several.log');
  const events = [
    pod('both', { privileged: true }, hostRoot),
    pod('plain', {}),
    pod('privileged', { privileged: true }),
    pod('host', {}, hostRoot),
    pod('again', { privileged: true }, hostRoot),
  ];
  writeFileSync(file, `${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
  const at = (alert: Alert) => `${alert.rule} ${alert.name}`;
  const taken: string[] = [];
  const once = await auditLog([file], { onAlert: (alert) => void taken.push(at(alert)) });
  // One event raises two alerts: the output is asked to wait after the first of them, and at every other alert.
  const waited: string[] = [];
  const slow = await auditLog([file], {
    onAlert: (alert) => {
      waited.push(at(alert));
      if (waited.length % 2) return new Promise((resolve) => setTimeout(resolve, 5));
    },
  });
  expect(taken.filter((alert) => alert.endsWith(' both'))).toHaveLength(2);
  expect(waited).toEqual(taken);
  expect(slow).toEqual(once);
});
