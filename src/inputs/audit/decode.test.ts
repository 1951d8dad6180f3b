import { describe, expect, it } from 'vitest';
import { auditEvent } from '../../detections/tester.js';
import { decodeRecord } from './decode.js';
import type { AuditEvent } from './event.js';

const event = auditEvent({ auditID: 'wrapped-1', verb: 'get', objectRef: { resource: 'secrets', name: 'db' } });

describe('decodeRecord', () => {
  it('reads an Event, an EventList and a JSON array of them', () => {
    expect(decodeRecord(event)).toEqual([event]);
    expect(decodeRecord({ kind: 'EventList', items: [event, event] })).toEqual([event, event]);
    expect(decodeRecord([{ kind: 'EventList', items: [event] }, event])).toEqual([event, event]);
  });

  it('rejects a batch with a record that is no event, saying which, never quoting it', () => {
    expect(decodeRecord({ kind: 'EventList', items: [event, { auditID: 's3cret' }] })).toBe(
      'an EventList item is an audit event without a verb',
    );
    expect(decodeRecord({ kind: 'EventList' })).toBe('an EventList without items');
    expect(decodeRecord('text')).toBe('not a JSON object');
  });

  it('unwraps AKS diagnostic records, alone or as Event Hubs batch them', () => {
    const record = {
      time: '2026-11-30T10:00:00Z',
      category: 'kube-audit',
      operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
      properties: { log: JSON.stringify(event), stream: 'stdout', pod: 'kube-apiserver-abc' },
    };
    expect(decodeRecord(record)).toEqual([event]);
    expect(decodeRecord({ records: [record, record] })).toEqual([event, event]);
    expect(decodeRecord({ ...record, properties: { log: 'I1130 10:00:00 not json' } })).toBe(
      'an AKS diagnostic record (properties.log) holding text that is not JSON',
    );
  });

  it('unwraps EKS audit events exported from CloudWatch', () => {
    const insights = {
      '@timestamp': '2026-11-30 10:00:00.000',
      '@logStream': 'kube-apiserver-audit-1',
      '@message': JSON.stringify(event),
    };
    expect(decodeRecord(insights)).toEqual([event]);
    expect(decodeRecord({ timestamp: 1, message: JSON.stringify(event) })).toEqual([event]);
    const subscription = {
      messageType: 'DATA_MESSAGE',
      logGroup: '/aws/eks/prod/cluster',
      logEvents: [{ id: '1', timestamp: 1, message: JSON.stringify(event) }],
    };
    expect(decodeRecord(subscription)).toEqual([event]);
    expect(decodeRecord({ events: [{ message: JSON.stringify(event) }], searchedLogStreams: [] })).toEqual([event]);
    expect(decodeRecord({ message: '{"not": "an event"}' })).toBe(
      'a CloudWatch record (message) holding an audit event without a verb',
    );
  });

  it('maps a GKE Cloud Audit Logs entry onto the Event fields that carry the same facts', () => {
    const entry = {
      insertId: 'abc123',
      logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity',
      timestamp: '2026-11-30T10:00:00.123Z',
      operation: { id: 'f3d7c6a2-audit', producer: 'k8s.io', first: true, last: true },
      labels: { 'authorization.k8s.io/decision': 'allow' },
      resource: { type: 'k8s_cluster', labels: { cluster_name: 'prod' } },
      protoPayload: {
        '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
        methodName: 'io.k8s.core.v1.pods.exec.create',
        resourceName: 'core/v1/namespaces/shop/pods/api-1/exec',
        authenticationInfo: { principalEmail: 'alice@example.com' },
        requestMetadata: { callerIp: '203.0.113.9', callerSuppliedUserAgent: 'kubectl/v1.31.0' },
        status: {},
      },
    };
    expect(decodeRecord(entry)).toEqual([
      {
        auditID: 'f3d7c6a2-audit',
        stage: 'ResponseComplete',
        level: 'Metadata',
        verb: 'create',
        user: { username: 'alice@example.com' },
        sourceIPs: ['203.0.113.9'],
        userAgent: 'kubectl/v1.31.0',
        objectRef: { resource: 'pods', apiVersion: 'v1', namespace: 'shop', name: 'api-1', subresource: 'exec' },
        responseStatus: { code: 200 },
        requestReceivedTimestamp: '2026-11-30T10:00:00.123Z',
        annotations: { 'authorization.k8s.io/decision': 'allow' },
      },
    ]);
  });

  it('maps GKE groups, cluster-scoped names, bodies, denials and long-running requests', () => {
    const gke = (payload: object, entry: object = {}) =>
      decodeRecord({ insertId: 'i-1', timestamp: 't', protoPayload: { authenticationInfo: {}, ...payload }, ...entry });
    const [binding] = gke({
      methodName: 'io.k8s.authorization.rbac.v1.clusterrolebindings.create',
      resourceName: 'rbac.authorization.k8s.io/v1/clusterrolebindings/ops',
      request: { roleRef: { name: 'cluster-admin' } },
      response: { metadata: { name: 'ops' } },
    }) as [object];
    expect(binding).toMatchObject({
      auditID: 'i-1',
      level: 'RequestResponse',
      objectRef: { resource: 'clusterrolebindings', apiGroup: 'rbac.authorization.k8s.io', name: 'ops' },
      requestObject: { roleRef: { name: 'cluster-admin' } },
    });
    const [denied] = gke({
      methodName: 'io.k8s.core.v1.secrets.list',
      resourceName: 'core/v1/namespaces/shop/secrets',
      status: { code: 7, message: 'forbidden' },
    }) as [object];
    expect(denied).toMatchObject({
      verb: 'list',
      responseStatus: { code: 403 },
      objectRef: { resource: 'secrets', namespace: 'shop' },
    });
    const [namespace] = gke({
      methodName: 'io.k8s.core.v1.namespaces.delete',
      resourceName: 'core/v1/namespaces/foo',
    }) as [object];
    expect(namespace).toMatchObject({ objectRef: { resource: 'namespaces', name: 'foo' } });
    const [watching] = gke(
      { methodName: 'io.k8s.core.v1.pods.watch', resourceName: 'core/v1/pods' },
      { operation: { id: 'w', first: true, last: false } },
    ) as [object];
    expect(watching).toMatchObject({ auditID: 'w', stage: 'ResponseStarted' });
    expect(gke({ methodName: 'google.container.v1.ClusterManager.CreateCluster' })).toBe(
      'a GKE audit entry holding no Kubernetes API call (methodName is not io.k8s.…)',
    );
  });

  describe('reads what pipelines deliver, dropped and renamed fields aside', () => {
    const { auditID: _id, stage: _stage, ...bare } = event;

    it('reads an Event without auditID, stage, apiVersion and kind, leaving them unset', () => {
      expect(decodeRecord(bare)).toEqual([bare]);
      const [read] = decodeRecord(bare) as [AuditEvent];
      expect(read.auditID).toBeUndefined();
      expect(read.stage).toBeUndefined();
    });

    it('reads a non-resource request by its URI, and refuses an event missing a verb, a user or what it acted on', () => {
      const { objectRef: _ref, ...noObject } = bare;
      expect(decodeRecord({ ...noObject, requestURI: '/healthz' })).toHaveLength(1);
      expect(decodeRecord({ ...noObject, requestURI: undefined })).toBe(
        'an audit event without what it acted on (no objectRef or requestURI)',
      );
      expect(decodeRecord({ ...bare, verb: '' })).toBe('an audit event without a verb');
      expect(decodeRecord({ ...bare, user: undefined })).toBe('an audit event without a user');
      expect(decodeRecord({ ...bare, auditID: 7 })).toBe('an audit event whose auditID is not text');
      // A Kubernetes object that is no event, with the words of one.
      expect(decodeRecord({ kind: 'Event', metadata: { name: 'x' }, reason: 'Created' })).toBe(
        'not an audit event (no verb, user or object)',
      );
    });

    it('reads the same inside an AKS record', () => {
      expect(decodeRecord({ properties: { log: JSON.stringify(bare) } })).toEqual([bare]);
    });

    it('reads a GKE entry without insertId or operation, resource and subresource from its methodName', () => {
      const [entry] = decodeRecord({
        protoPayload: {
          methodName: 'io.k8s.apps.v1.deployments.scale.update',
          resourceName: 'apps/v1/namespaces/shop/deployments/web',
          authenticationInfo: { principalEmail: 'bob@example.com' },
        },
      }) as [AuditEvent];
      expect(entry.auditID).toBeUndefined();
      expect(entry).toMatchObject({
        verb: 'update',
        user: { username: 'bob@example.com' },
        objectRef: { resource: 'deployments', subresource: 'scale', apiGroup: 'apps', namespace: 'shop', name: 'web' },
      });
      const [unnamed] = decodeRecord({
        protoPayload: { methodName: 'io.k8s.core.v1.secrets.list', authenticationInfo: {} },
      }) as [AuditEvent];
      expect(unnamed).toMatchObject({ verb: 'list', objectRef: { resource: 'secrets', apiVersion: 'v1' } });
      expect(decodeRecord({ protoPayload: { methodName: 'io.k8s.list', authenticationInfo: {} } })).toBe(
        'a GKE audit entry holding a Kubernetes API call without what it acted on (no resource in methodName or resourceName)',
      );
    });
  });
});
