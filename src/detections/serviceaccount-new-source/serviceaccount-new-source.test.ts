import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../inputs/audit/event.js';
import { auditEvent, type EventOverrides, testDetection } from '../tester.js';
import detection, { isPrivate, networkOf } from './index.js';

function call(sourceIPs: string[], overrides: EventOverrides = {}): AuditEvent {
  return auditEvent({
    verb: 'get',
    level: 'Metadata',
    requestURI: '/api/v1/namespaces/web/configmaps/frontend-config',
    objectRef: { resource: 'configmaps', namespace: 'web', name: 'frontend-config', apiVersion: 'v1' },
    user: {
      username: 'system:serviceaccount:web:frontend',
      groups: ['system:serviceaccounts', 'system:authenticated'],
    },
    userAgent: 'frontend/v0.0.0 (linux/amd64) kubernetes/$Format',
    sourceIPs,
    responseStatus: { code: 200 },
    ...overrides,
  });
}

testDetection(detection, {
  valid: [
    {
      name: 'replicas and restarted pods within the pod network',
      events: [call(['10.244.1.17']), call(['10.244.2.9']), call(['10.244.7.130'])],
    },
    { name: 'the first request sets the baseline', events: [call(['198.51.100.23'])] },
    {
      name: 'a person’s requests are not followed',
      events: [
        call(['10.0.0.4'], { user: { username: 'alice@example.com', groups: ['system:authenticated'] } }),
        call(['198.51.100.23'], { user: { username: 'alice@example.com', groups: ['system:authenticated'] } }),
      ],
    },
    {
      name: 'IPv6 pods within one /48',
      events: [call(['fd00:10:244:1::17']), call(['fd00:10:244:2::9']), call(['fd00:0010:0244:ff::1'])],
    },
  ],
  invalid: [
    {
      name: 'the token replayed from the internet, three requests: one alert',
      events: [call(['10.244.1.17']), call(['198.51.100.23']), call(['198.51.100.23']), call(['10.244.1.17'])],
      alerts: [
        {
          severity: 'high',
          techniques: ['MS-TA9016'],
          message:
            'Service account web/frontend was used from 198.51.100.23, a public address, outside the networks it used before (10.244.0.0/16).',
        },
      ],
    },
    {
      name: 'from a private network it never used',
      events: [call(['10.244.1.17']), call(['192.168.5.20'])],
      alerts: [{ severity: 'medium', message: /from 192\.168\.5\.20 outside the networks/ }],
    },
    {
      name: 'a forwarded address behind a load balancer',
      events: [call(['10.244.1.17']), call(['203.0.113.77', '10.244.1.1'])],
      alerts: [{ severity: 'high', message: /from 203\.0\.113\.77, a public address/ }],
    },
  ],
});

describe('networkOf', () => {
  it('groups IPv4 by /16 and IPv6 by /48', () => {
    expect(networkOf('10.244.1.17')).toBe('10.244.0.0/16');
    expect(networkOf('::ffff:10.244.1.17')).toBe('10.244.0.0/16');
    expect(networkOf('fd00:10:244:1::17')).toBe('fd00:10:244::/48');
    expect(networkOf('fd00:0010:0244:ff::1')).toBe('fd00:10:244::/48');
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(networkOf('::1')).toBe('0:0:0::/48');
  });
});

describe('isPrivate', () => {
  it('knows private, shared, loopback and link-local ranges', () => {
    for (const ip of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.1',
      '192.168.1.1',
      '100.64.0.1',
      '127.0.0.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      'fe80::1',
    ]) {
      expect(isPrivate(ip), ip).toBe(true);
    }
    for (const ip of ['172.32.0.1', '198.51.100.23', '100.128.0.1', '2001:db8::1', '8.8.8.8']) {
      expect(isPrivate(ip), ip).toBe(false);
    }
  });
});
