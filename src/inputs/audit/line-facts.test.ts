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

  it('reads the same with spaces after colons and commas, as Python writes JSON', () => {
    const spaced = JSON.stringify(read, null, 1).replace(/\n */g, ' ');
    expect(spaced).toContain('"user": { "username": "system:kube-scheduler"');
    expect(lineFacts(spaced)).toEqual(lineFacts(line(read)));
  });

  it('leaves to the parser every line whose text leaves a doubt', () => {
    const doubtful = {
      'a body, which may hold the same keys': { ...read, requestObject: { verb: 'create' } },
      'an impersonated user': { ...read, impersonatedUser: { username: 'bob' } },
      'a key twice': { ...read, annotations: { x: 'y' }, extra: { objectRef: { resource: 'secrets' } } },
      'an escaped value': { ...read, user: { username: 'eve\\"' } },
      'no objectRef (a non-resource request)': { ...read, objectRef: undefined, requestURI: '/healthz' },
      'no user name first in user': { ...read, user: { groups: ['g'], username: 'x' } },
      'no verb': { ...read, verb: undefined },
      'a verb that is not text': { ...read, verb: 7 },
      'an objectRef that is not an object': { ...read, objectRef: 'pods', resource: 'pods' },
    };
    for (const [name, value] of Object.entries(doubtful)) expect(lineFacts(line(value)), name).toBeUndefined();
    expect(lineFacts(`${line(read)}\r`), 'a carriage return').toBeUndefined();
    expect(lineFacts(line({ properties: { log: line(read) } })), 'an AKS record, its event as text').toBeUndefined();
    expect(lineFacts(line({ kind: 'EventList', items: [read, read] })), 'a list of two').toBeUndefined();
    expect(lineFacts(''), 'the empty line').toBeUndefined();
  });
});
