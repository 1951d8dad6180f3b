import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defineDetection } from '../src/detections/define.js';
import { allDetections } from '../src/detections/index.js';
import { repoRoot } from './paths.js';
import { type AuditPolicy, decide, type Level, type PolicyRequest, policyGaps } from './support/audit-policy.js';

const policy = parse(readFileSync(path.join(repoRoot, 'deploy/audit-policy.yaml'), 'utf8')) as AuditPolicy & {
  apiVersion: string;
  kind: string;
};

const alice = { user: 'alice@example.com', groups: ['developers', 'system:authenticated'] };
const node = { user: 'system:node:worker-1', groups: ['system:nodes', 'system:authenticated'] };
const anonymous = { user: 'system:anonymous', groups: ['system:unauthenticated'] };
const request = (who: typeof alice, verb: string, resource: string, group = ''): PolicyRequest => ({
  ...who,
  verb,
  resource,
  group,
  namespace: 'default',
});

describe('deploy/audit-policy.yaml', () => {
  it('is an audit.k8s.io/v1 Policy without the RequestReceived stage, ending with a Metadata catch-all', () => {
    expect([policy.apiVersion, policy.kind]).toEqual(['audit.k8s.io/v1', 'Policy']);
    expect(policy.omitStages).toEqual(['RequestReceived']);
    expect(policy.rules.at(-1)).toEqual({ level: 'Metadata' });
  });

  it.each(allDetections.map((detection) => [detection.id, detection] as const))(
    'logs what %s needs, at its level',
    (_id, detection) => {
      // Rules over every request (anonymous access, listed proxies) lose what the policy drops as noise on purpose:
      // authenticated users' reads and writes of Events.
      const dropped = /^\w+ events(\.events\.k8s\.io)? by (?!system:anonymous)/;
      const gaps = policyGaps(policy, detection).filter((gap) => detection.on.resources || !dropped.test(gap));
      expect(gaps).toEqual([]);
    },
  );

  it('is checked strictly enough to catch a detection it does not serve', () => {
    const wantsSecretBodies = defineDetection({
      id: 'wants-secret-bodies',
      title: 'Reads Secret bodies',
      severity: 'high',
      techniques: ['MS-TA9025'],
      description: 'A rule the policy must not serve.',
      rationale: 'None.',
      response: 'None.',
      fields: ['requestObject.data'],
      level: 'Request',
      benign: 'None.',
      on: { verbs: ['create'], resources: ['secrets', 'widgets'] },
      detect() {},
    });
    expect(policyGaps(policy, wantsSecretBodies)).toEqual([
      'create secrets by alice@example.com: Metadata, needs Request',
      'widgets: its API group is unknown to test/support/audit-policy.ts (RESOURCE_GROUPS)',
    ]);
  });

  it.each<[string, PolicyRequest, Level]>([
    ['a pod created', request(alice, 'create', 'pods'), 'RequestResponse'],
    ['a DaemonSet patched', request(alice, 'patch', 'daemonsets', 'apps'), 'RequestResponse'],
    ['a CronJob created', request(alice, 'create', 'cronjobs', 'batch'), 'RequestResponse'],
    [
      'a binding created',
      request(alice, 'create', 'clusterrolebindings', 'rbac.authorization.k8s.io'),
      'RequestResponse',
    ],
    [
      'a webhook configuration updated',
      request(alice, 'update', 'mutatingwebhookconfigurations', 'admissionregistration.k8s.io'),
      'RequestResponse',
    ],
    ['a ConfigMap patched', request(alice, 'patch', 'configmaps'), 'RequestResponse'],
    ['an ephemeral container added', request(alice, 'patch', 'pods/ephemeralcontainers'), 'RequestResponse'],
    ['pods listed (the answer would hold every spec)', request(alice, 'list', 'pods'), 'Metadata'],
    ['a secret created', request(alice, 'create', 'secrets'), 'Metadata'],
    ['secrets listed', request(alice, 'list', 'secrets'), 'Metadata'],
    ['a token requested', request(alice, 'create', 'serviceaccounts/token'), 'Metadata'],
    ['a token reviewed', request(alice, 'create', 'tokenreviews', 'authentication.k8s.io'), 'Metadata'],
    ['an exec', request(alice, 'create', 'pods/exec'), 'Metadata'],
    ['an exec by GET (websocket)', request(alice, 'get', 'pods/exec'), 'Metadata'],
    ['an attach', request(alice, 'create', 'pods/attach'), 'Metadata'],
    ['a port-forward', request(alice, 'create', 'pods/portforward'), 'Metadata'],
    ['container logs read', request(alice, 'get', 'pods/log'), 'Metadata'],
    ['the kubelet API through nodes/proxy', request(alice, 'get', 'nodes/proxy'), 'Metadata'],
    ['events deleted', request(alice, 'delete', 'events'), 'Metadata'],
    ['events.k8s.io events deleted', request(alice, 'deletecollection', 'events', 'events.k8s.io'), 'Metadata'],
    ['events written', request(alice, 'create', 'events'), 'None'],
    ['a node reading its pods', request(node, 'list', 'pods'), 'None'],
    ['a node reading a secret', request(node, 'get', 'secrets'), 'None'],
    ['a node creating its mirror pod', request(node, 'create', 'pods'), 'RequestResponse'],
    ['a node reporting status', request(node, 'patch', 'nodes/status'), 'None'],
    ['a lease renewed', request(alice, 'update', 'leases', 'coordination.k8s.io'), 'None'],
    ['an anonymous read', request(anonymous, 'get', 'pods'), 'Metadata'],
    [
      'a permission check',
      request(alice, 'create', 'selfsubjectaccessreviews', 'authorization.k8s.io'),
      'RequestResponse',
    ],
    ['a health check', { ...anonymous, verb: 'get', path: '/healthz' }, 'None'],
    ['discovery by a user', { ...alice, verb: 'get', path: '/apis/apps/v1' }, 'None'],
    ['discovery by the anonymous user', { ...anonymous, verb: 'get', path: '/apis' }, 'Metadata'],
  ])('logs %s at the level it needs, and no higher', (_name, req, level) => {
    expect(decide(policy, req).level).toBe(level);
  });

  it('never logs a body of secrets, tokens or certificate requests, whoever asks and whatever the verb', () => {
    const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
    const sensitive: [string, string][] = [
      ['', 'secrets'],
      ['', 'serviceaccounts/token'],
      ['authentication.k8s.io', 'tokenreviews'],
      ['certificates.k8s.io', 'certificatesigningrequests'],
    ];
    for (const who of [alice, node, anonymous])
      for (const verb of verbs)
        for (const [group, resource] of sensitive)
          expect(['None', 'Metadata'], `${verb} ${resource} by ${who.user}`).toContain(
            decide(policy, request(who, verb, resource, group)).level,
          );
  });
});
