import { describe, expect, it } from 'vitest';
import { objectName, pathOf, queryOf, quoted, serviceAccountOf, succeeded, timeOf } from './request.js';
import { auditEvent } from './tester.js';

describe('succeeded', () => {
  it('waits for an answer and takes 1xx to 3xx as allowed', () => {
    expect(succeeded(auditEvent({ stage: 'RequestReceived', responseStatus: undefined }))).toBe(false);
    expect(succeeded(auditEvent({ stage: 'ResponseStarted', responseStatus: { code: 101 } }))).toBe(true);
    expect(succeeded(auditEvent({ responseStatus: { code: 304 } }))).toBe(true);
    expect(succeeded(auditEvent({ responseStatus: { code: 403 } }))).toBe(false);
    expect(succeeded(auditEvent({ stage: 'Panic', responseStatus: { code: 500 } }))).toBe(false);
    expect(succeeded(auditEvent({ responseStatus: undefined }))).toBe(true);
  });
});

describe('requestURI', () => {
  it('splits path and query, decoding the query', () => {
    const event = auditEvent({ requestURI: '/api/v1/secrets?fieldSelector=metadata.name%3Dx&limit=500' });
    expect(pathOf(event)).toBe('/api/v1/secrets');
    expect(queryOf(event).get('fieldSelector')).toBe('metadata.name=x');
    expect(pathOf(auditEvent({ requestURI: undefined }))).toBe('');
    expect([...queryOf(auditEvent({ requestURI: '/version' }))]).toEqual([]);
  });
});

describe('timeOf', () => {
  it('reads microsecond timestamps, received time first', () => {
    expect(timeOf(auditEvent({ requestReceivedTimestamp: '2026-11-30T10:00:00.123456Z' }))).toBe(
      Date.UTC(2026, 10, 30, 10, 0, 0, 123),
    );
    expect(timeOf(auditEvent({ requestReceivedTimestamp: undefined, stageTimestamp: 'yesterday' }))).toBeUndefined();
  });
});

describe('names', () => {
  it('turns a service-account user into namespace/name', () => {
    expect(serviceAccountOf('system:serviceaccount:web:frontend')).toBe('web/frontend');
    expect(serviceAccountOf('system:serviceaccounts:web')).toBeUndefined();
    expect(serviceAccountOf('alice')).toBeUndefined();
    expect(serviceAccountOf(undefined)).toBeUndefined();
  });

  it('names objects with their namespace', () => {
    expect(objectName(auditEvent())).toBe('default/web');
    expect(objectName(auditEvent({ objectRef: { resource: 'nodes', name: 'n1' } }))).toBe('n1');
  });

  it('quotes request text on one line, cut short', () => {
    expect(quoted('a\nb')).toBe('"a\\nb"');
    expect(quoted('x'.repeat(100), 10)).toBe(`"${'x'.repeat(10)}…"`);
  });
});
