import { describe, expect, it } from 'vitest';
import { auditEvent } from '../../detections/tester.js';
import { lineFacts } from './line-facts.js';

const read = auditEvent({
  verb: 'watch',
  requestURI: '/api/v1/pods?watch=true',
  user: { username: 'system:kube-scheduler', groups: ['system:authenticated'] },
  objectRef: { resource: 'pods', apiVersion: 'v1' },
  responseStatus: { code: 200 },
});
const line = (value: unknown) => JSON.stringify(value);

describe('lineFacts', () => {
  it('reads verb, resource, subresource, user, auditID and stage off a compact Event line', () => {
    expect(lineFacts(line(read))).toEqual({
      auditID: read.auditID,
      stage: 'ResponseComplete',
      verb: 'watch',
      resource: 'pods',
      subresource: '',
      username: 'system:kube-scheduler',
    });
    const exec = { ...read, objectRef: { resource: 'pods', subresource: 'exec', namespace: 'a', name: 'b' } };
    expect(lineFacts(line(exec))).toMatchObject({ resource: 'pods', subresource: 'exec' });
    const { auditID: _id, stage: _stage, ...stripped } = read;
    expect(lineFacts(line(stripped))).toEqual({
      verb: 'watch',
      resource: 'pods',
      subresource: '',
      username: 'system:kube-scheduler',
    });
  });

  it('takes keys where they belong, whatever their order and whatever nested objects say', () => {
    const nested = {
      annotations: { verb: 'delete' },
      user: { groups: ['g'], extra: { username: ['x'] }, username: 'system:kube-scheduler' },
      objectRef: { resource: 'pods' },
      verb: 'watch',
    };
    expect(lineFacts(line(nested))).toEqual({
      verb: 'watch',
      resource: 'pods',
      subresource: '',
      username: 'system:kube-scheduler',
    });
    expect(lineFacts(`${line(read)}\r`), 'a carriage return').toEqual(lineFacts(line(read)));
  });

  it('reads the same with spaces after colons and commas, as Python writes JSON', () => {
    const spaced = JSON.stringify(read, null, 1).replace(/\n */g, ' ');
    expect(spaced).toContain('"user": { "username": "system:kube-scheduler"');
    expect(lineFacts(spaced)).toEqual(lineFacts(line(read)));
  });

  it('leaves to the parser every line whose text leaves a doubt', () => {
    const doubtful = {
      'a body, which may hold the same keys': { ...read, requestObject: { verb: 'create' } },
      'an impersonated user': { ...read, impersonatedUser: { username: 'bob' } },
      'an escaped value': { ...read, user: { username: 'eve\\"' } },
      'no objectRef (a non-resource request)': { ...read, objectRef: undefined, requestURI: '/healthz' },
      'a user without a name': { ...read, user: { groups: ['g'] } },
      'no verb': { ...read, verb: undefined },
      'a verb that is not text': { ...read, verb: 7 },
      'an objectRef that is not an object': { ...read, objectRef: 'pods', resource: 'pods' },
    };
    for (const [name, value] of Object.entries(doubtful)) expect(lineFacts(line(value)), name).toBeUndefined();
    expect(lineFacts(line(read).replace(/}$/, ',"verb":"create"}')), 'a key twice').toBeUndefined();
    expect(lineFacts(`${line(read)} {}`), 'text after the object').toBeUndefined();
    expect(lineFacts(line(read).slice(0, -1)), 'a truncated line').toBeUndefined();
    expect(lineFacts(line({ properties: { log: line(read) } })), 'an AKS record, its event as text').toBeUndefined();
    expect(lineFacts(line({ kind: 'EventList', items: [read, read] })), 'a list of two').toBeUndefined();
    expect(lineFacts(''), 'the empty line').toBeUndefined();
  });
});
