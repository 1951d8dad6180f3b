import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../inputs/audit/event.js';
import { Alert } from '../model/alert.js';
import { type AnyDetection, defineDetection, type EventFilter } from './define.js';
import { ALERTED_WINDOW, CANDIDATE_CACHE, createPipeline, DEFAULT_ALLOW, type PipelineOptions } from './pipeline.js';
import { auditEvent } from './tester.js';

/** A rule that alerts on every event it is handed and records which it saw. */
function probe(id: string, on: EventFilter = {}, extra: { everyone?: true } = {}) {
  const seen: AuditEvent[] = [];
  const detection = defineDetection({
    id,
    title: id,
    severity: 'medium',
    techniques: ['MS-TA9006', 'MS-TA9007'],
    description: 'test',
    rationale: 'test',
    response: 'test',
    fields: [],
    level: 'Metadata',
    benign: 'test',
    ...extra,
    on,
    detect(event, ctx) {
      seen.push(event);
      ctx.alert({ message: `saw ${event.auditID}` });
    },
  });
  return { detection, seen };
}

function run(options: PipelineOptions, events: readonly AuditEvent[]): Alert[] {
  const pipeline = createPipeline(options);
  return events.flatMap((event, index) => pipeline.push({ event, source: { file: 'audit.log', line: index + 1 } }));
}

const exec = auditEvent({
  stage: 'ResponseStarted',
  requestURI: '/api/v1/namespaces/default/pods/web/exec?command=sh',
  objectRef: { resource: 'pods', subresource: 'exec', namespace: 'default', name: 'web', apiVersion: 'v1' },
  responseStatus: { code: 101 },
});
const node = { username: 'system:node:worker-1', groups: ['system:nodes', 'system:authenticated'] };

describe('dispatch', () => {
  it('hands each rule only the verbs and resources it asked for, subresources by resource/subresource', () => {
    const execs = probe('execs', { verbs: ['create', 'get'], resources: ['pods/exec'] });
    const pods = probe('pods', { resources: ['pods'] });
    const everything = probe('everything');
    const list = auditEvent({ verb: 'list', objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' } });
    const version = auditEvent({ verb: 'get', requestURI: '/version', objectRef: undefined });
    run({ detections: [execs.detection, pods.detection, everything.detection] }, [
      exec,
      list,
      version,
      { ...exec, auditID: 'again', verb: 'get' },
    ]);
    expect(execs.seen.map((event) => event.auditID)).toEqual([exec.auditID, 'again']);
    expect(pods.seen).toEqual([list]);
    expect(everything.seen).toHaveLength(4);
  });

  it('hands a rule only the users, groups and response codes it asked for', () => {
    const accounts = probe('accounts', { users: { names: ['system:serviceaccount:*'] } });
    const anonymous = probe('anonymous', {
      users: { names: ['system:anonymous'], groups: ['system:unauthenticated'] },
    });
    const refused = probe('refused', { codes: [403] });
    const both = probe('both', { users: { names: ['alice*'] }, codes: [403] });
    const events = [
      auditEvent({ auditID: 'sa', user: { username: 'system:serviceaccount:shop:web' } }),
      // Glob stars take line breaks too: a name the rule reads never slips past its filter.
      auditEvent({ auditID: 'sa-odd', user: { username: 'system:serviceaccount:shop:a\nb' } }),
      auditEvent({ auditID: 'anon-group', user: { username: 'someone', groups: ['system:unauthenticated'] } }),
      auditEvent({ auditID: 'anon', user: { username: 'system:anonymous' }, responseStatus: { code: 403 } }),
      auditEvent({ auditID: 'alice-403', responseStatus: { code: 403 } }),
      auditEvent({ auditID: 'alice-200', responseStatus: { code: 200 } }),
      auditEvent({ auditID: 'no-code', responseStatus: undefined }),
      auditEvent({ auditID: 'no-user', user: {} }),
    ];
    run({ detections: [accounts, anonymous, refused, both].map(({ detection }) => detection) }, events);
    const ids = (seen: AuditEvent[]) => seen.map((event) => event.auditID);
    expect(ids(accounts.seen)).toEqual(['sa', 'sa-odd']);
    expect(ids(anonymous.seen)).toEqual(['anon-group', 'anon']);
    expect(ids(refused.seen)).toEqual(['anon', 'alice-403']);
    expect(ids(both.seen)).toEqual(['alice-403']);
  });

  it('leaves out a rule its settings disable', () => {
    const listed = probe('listed', { enabled: (settings) => settings.proxyAddresses.size > 0 });
    const event = auditEvent();
    run({ detections: [listed.detection] }, [event]);
    expect(listed.seen).toEqual([]);
    run({ detections: [listed.detection], settings: { proxyAddresses: new Set(['10.0.0.1']) } }, [event]);
    expect(listed.seen).toEqual([event]);
  });

  it('dispatches correctly past its cache of verb and resource pairs', () => {
    const pods = probe('pods', { resources: ['pods'] });
    const made = Array.from({ length: CANDIDATE_CACHE + 10 }, (_, index) =>
      auditEvent({
        verb: 'get',
        objectRef: { resource: `made-up-${index}`, apiVersion: 'v1' },
        responseStatus: { code: 404 },
      }),
    );
    const pod = auditEvent({ verb: 'get' });
    expect(run({ detections: [pods.detection] }, [pod, ...made, { ...pod, auditID: 'later' }])).toHaveLength(2);
  });
});

describe('allow-list', () => {
  const controller = {
    username: 'system:serviceaccount:kube-system:replicaset-controller',
    groups: ['system:serviceaccounts'],
  };
  const groupOnly = { username: 'worker-2', groups: ['system:nodes'] };

  it('skips system identities, by user glob or group, for rules not marked everyone', () => {
    const normal = probe('normal');
    const everyone = probe('everyone', {}, { everyone: true });
    const events = [node, controller, groupOnly].map((user) => ({ ...exec, auditID: user.username, user }));
    run({ detections: [normal.detection, everyone.detection] }, events);
    expect(normal.seen).toEqual([]);
    expect(everyone.seen).toHaveLength(3);
  });

  it('uses the list given instead of the default', () => {
    const normal = probe('normal');
    const alice = { ...exec, auditID: 'alice' };
    const fromNode = { ...exec, auditID: 'node', user: node };
    run({ detections: [normal.detection], allow: { users: ['alice@*'], groups: [] } }, [alice, fromNode]);
    expect(normal.seen.map((event) => event.auditID)).toEqual(['node']);
    expect(DEFAULT_ALLOW.users).toContain('system:node:*');
  });

  it('takes glob characters other than * literally', () => {
    const normal = probe('normal');
    const lookalike = { ...exec, user: { username: 'system:nodeXworker', groups: [] } };
    run({ detections: [normal.detection], allow: { users: ['system:node.worker', 'system:node:*'], groups: [] } }, [
      lookalike,
    ]);
    expect(normal.seen).toHaveLength(1);
  });
});

describe('once per request', () => {
  it('alerts once per rule and auditID across the stages of a request, and not detecting again', () => {
    const a = probe('a');
    const b = probe('b');
    const stages = ['RequestReceived', 'ResponseStarted', 'ResponseComplete'].map((stage) => ({ ...exec, stage }));
    const alerts = run({ detections: [a.detection, b.detection] }, [...stages, { ...exec, auditID: 'other' }]);
    expect(alerts.map((alert) => `${alert.rule} ${alert.auditID}`)).toEqual([
      `a ${exec.auditID}`,
      `b ${exec.auditID}`,
      'a other',
      'b other',
    ]);
    expect(a.seen).toHaveLength(2);
  });

  it('keeps one alert per call to detect', () => {
    const twice = defineDetection({
      ...probe('twice').detection,
      detect(_event, ctx) {
        ctx.alert({ message: 'one' });
        ctx.alert({ message: 'two' });
      },
    });
    expect(run({ detections: [twice] }, [exec]).map((alert) => alert.message)).toEqual(['one']);
  });

  it('remembers a request through at least a window of later alerts, and forgets it after two', () => {
    const a = probe('a');
    const pipeline = createPipeline({ detections: [a.detection] });
    const push = (auditID: string) =>
      pipeline.push({ event: { ...exec, auditID }, source: { file: 'f', line: 1 } }).length;
    expect(push('first')).toBe(1);
    for (let index = 0; index < ALERTED_WINDOW; index++) push(`filler-${index}`);
    expect(push('first')).toBe(0);
    for (let index = 0; index < ALERTED_WINDOW; index++) push(`more-${index}`);
    expect(push('first')).toBe(1);
  });
});

describe('time window', () => {
  const at = (requestReceivedTimestamp: string | undefined, stageTimestamp?: string) =>
    auditEvent({
      ...exec,
      auditID: `${requestReceivedTimestamp}-${stageTimestamp}`,
      requestReceivedTimestamp,
      stageTimestamp,
    });

  it('keeps events from since (inclusive) to until (exclusive), by the time the request was received', () => {
    const a = probe('a');
    const pipeline = createPipeline({
      detections: [a.detection],
      since: new Date('2026-11-30T10:00:00Z'),
      until: new Date('2026-11-30T11:00:00Z'),
    });
    const events = [
      at('2026-11-30T09:59:59.999999Z'),
      at('2026-11-30T10:00:00.000000Z'),
      at('2026-11-30T10:59:59.999999Z'),
      at('2026-11-30T11:00:00.000000Z'),
      at(undefined, '2026-11-30T10:30:00.000000Z'),
      at('2026-11-30T09:59:00.000000Z', '2026-11-30T10:00:01.000000Z'),
      at(undefined, undefined),
    ];
    for (const event of events) pipeline.push({ event, source: { file: 'f', line: 1 } });
    expect(a.seen.map((event) => event.requestReceivedTimestamp ?? event.stageTimestamp)).toEqual([
      '2026-11-30T10:00:00.000000Z',
      '2026-11-30T10:59:59.999999Z',
      '2026-11-30T10:30:00.000000Z',
    ]);
    expect(pipeline.stats).toMatchObject({ events: 7, outsideWindow: 4 });
  });

  it('keeps events without a time when no window is set', () => {
    const a = probe('a');
    run({ detections: [a.detection] }, [at(undefined, undefined)]);
    expect(a.seen).toHaveLength(1);
  });
});

describe('alerts and stats', () => {
  it('fills the alert from the event and the draft, valid against the schema', () => {
    const scoped = defineDetection({
      ...probe('scoped').detection,
      detect(_event, ctx) {
        ctx.alert({ message: 'scaled', severity: 'high', techniques: ['MS-TA9007'] });
      },
    });
    const scale = auditEvent({
      verb: 'patch',
      requestURI: '/apis/apps/v1/namespaces/web/deployments/frontend/scale',
      objectRef: {
        resource: 'deployments',
        subresource: 'scale',
        namespace: 'web',
        name: 'frontend',
        apiGroup: 'apps',
        apiVersion: 'v1',
      },
      impersonatedUser: { username: 'system:serviceaccount:web:deployer' },
      sourceIPs: ['203.0.113.7', '10.0.0.1'],
    });
    const [version, alert] = run({ detections: [scoped] }, [
      auditEvent({ verb: 'get', requestURI: '/version', objectRef: undefined }),
      scale,
    ]);
    // A request outside the resource API (no objectRef) has no resource, namespace or name.
    expect(Alert.parse(version)).not.toHaveProperty('resource');
    expect(version).not.toHaveProperty('namespace');
    expect(Alert.parse(alert)).toEqual({
      rule: 'scoped',
      techniques: ['MS-TA9007'],
      severity: 'high',
      time: scale.requestReceivedTimestamp,
      user: 'alice@example.com',
      impersonatedUser: 'system:serviceaccount:web:deployer',
      sourceIPs: ['203.0.113.7', '10.0.0.1'],
      verb: 'patch',
      resource: 'deployments.apps/scale',
      namespace: 'web',
      name: 'frontend',
      auditID: scale.auditID,
      message: 'scaled',
      source: { file: 'audit.log', line: 2 },
    });
  });

  it('refuses a technique the detection does not declare', () => {
    const rogue = defineDetection({
      ...probe('rogue').detection,
      detect(_event, ctx) {
        ctx.alert({ message: 'x', techniques: ['MS-TA9025'] });
      },
    });
    expect(() => run({ detections: [rogue] }, [exec])).toThrow(/rogue' alerted a technique it does not declare/);
  });

  it('counts events, alerts, rules and techniques', () => {
    const a = probe('a', { resources: ['pods/exec'] });
    const one = defineDetection({
      ...probe('one').detection,
      detect(_event, ctx) {
        ctx.alert({ message: 'x', techniques: ['MS-TA9007'] });
      },
    });
    const pipeline = createPipeline({ detections: [a.detection, one] });
    for (const event of [exec, { ...exec, auditID: 'second' }, auditEvent()])
      pipeline.push({ event, source: { file: 'f', line: 1 } });
    expect(pipeline.stats.events).toBe(3);
    expect(pipeline.stats.alerts).toBe(5);
    expect(Object.fromEntries(pipeline.stats.byRule)).toEqual({ a: 2, one: 3 });
    expect(Object.fromEntries(pipeline.stats.byTechnique)).toEqual({ 'MS-TA9006': 2, 'MS-TA9007': 5 });
  });

  it('gives each pipeline fresh state, kept across events', () => {
    const counting: AnyDetection = defineDetection<{ count: number }>({
      ...probe('counting').detection,
      initialState: () => ({ count: 0 }),
      detect(_event, ctx) {
        ctx.state.count++;
        ctx.alert({ message: `event ${ctx.state.count}` });
      },
    });
    const events = [exec, { ...exec, auditID: 'second' }];
    expect(run({ detections: [counting] }, events).map((alert) => alert.message)).toEqual(['event 1', 'event 2']);
    expect(run({ detections: [counting] }, events).map((alert) => alert.message)).toEqual(['event 1', 'event 2']);
  });

  it('passes the settings to the rules, with no proxy addresses by default', () => {
    const sizes: number[] = [];
    const reader = defineDetection({
      ...probe('reader').detection,
      detect(_event, ctx) {
        sizes.push(ctx.settings.proxyAddresses.size);
      },
    });
    run({ detections: [reader] }, [exec]);
    run({ detections: [reader], settings: { proxyAddresses: new Set(['192.0.2.1', '192.0.2.2']) } }, [exec]);
    expect(sizes).toEqual([0, 2]);
  });
});
