import { describe, expect, it } from 'vitest';
import { compileConditions, UnresolvedVariable } from './kyverno-conditions.js';
import { compileJmesPath, UnsupportedJmesPath } from './kyverno-jmespath.js';
import { compilePattern, compileValuePattern, UnsupportedPattern } from './kyverno-pattern.js';

const status = (pattern: unknown, resource: unknown) => compilePattern(pattern).match(resource).status;

describe('Kyverno value patterns', () => {
  it.each([
    ['>0', 1, true],
    ['>0', 0, false],
    ['>0', undefined, false],
    ['>=1Gi', '2Gi', true],
    ['<500m', '1', false],
    ['5000-6000', 5500, true],
    ['5000-6000', 80, false],
    ['!5000-6000', 80, true],
    ['!5000-6000', 5500, false],
    ['RuntimeDefault | Localhost', 'Localhost', true],
    ['RuntimeDefault | Localhost', 'Unconfined', false],
    ['localhost/*', 'localhost/my-profile', true],
    ['runtime/default | localhost/*', 'unconfined', false],
    ['registry-?.io/*', 'registry-a.io/app', true],
    ['!*:latest', 'nginx:latest', false],
    ['!*:latest', 'nginx:1.25', true],
    ['false', false, true],
    ['false', true, false],
    ['false', 'false', true],
    ['*', 'anything', true],
    ['*', undefined, false],
    ['>1 & <10', 5, true],
    ['>1 & <10', 11, false],
  ] as const)('%s on %j: %s', (pattern, value, expected) => {
    expect(compileValuePattern(pattern)(value)).toBe(expected);
  });
});

describe('Kyverno pattern anchors', () => {
  it('=() checks a field only where it is present', () => {
    const pattern = { spec: { '=(hostNetwork)': false } };
    expect(status(pattern, { spec: {} })).toBe('pass');
    expect(status(pattern, { spec: { hostNetwork: true } })).toBe('fail');
  });

  it('a plain key must be present', () => {
    expect(status({ spec: { securityContext: { runAsNonRoot: true } } }, { spec: {} })).toBe('fail');
  });

  it('X() forbids a field whatever its value', () => {
    const pattern = { spec: { '=(volumes)': [{ 'X(hostPath)': 'null' }] } };
    expect(status(pattern, { spec: { volumes: [{ name: 'a', emptyDir: {} }] } })).toBe('pass');
    expect(
      status(pattern, {
        spec: {
          volumes: [
            { name: 'a', emptyDir: {} },
            { name: 'b', hostPath: { path: '/' } },
          ],
        },
      }),
    ).toBe('fail');
  });

  it('a list pattern applies to every element, not only the first', () => {
    const pattern = { spec: { containers: [{ '=(securityContext)': { '=(privileged)': 'false' } }] } };
    expect(
      status(pattern, { spec: { containers: [{ name: 'a' }, { name: 'b', securityContext: { privileged: true } }] } }),
    ).toBe('fail');
    expect(status(pattern, { spec: { containers: [] } })).toBe('pass');
  });

  it('a condition anchor that does not hold skips the element; a global one the whole rule', () => {
    const conditional = { spec: { containers: [{ '(name)': 'nginx*', securityContext: { privileged: false } }] } };
    expect(status(conditional, { spec: { containers: [{ name: 'redis' }] } })).toBe('skip');
    expect(status(conditional, { spec: { containers: [{ name: 'nginx-1' }] } })).toBe('fail');
    const global = { spec: { containers: [{ '<(image)': 'untrusted/*' }], hostNetwork: false } };
    expect(
      compilePattern(global).match({ spec: { containers: [{ image: 'trusted/app' }], hostNetwork: true } }),
    ).toEqual({
      status: 'skip',
      global: true,
    });
  });

  it('^() needs one matching element of a list', () => {
    const pattern = { spec: { '^(containers)': [{ name: 'sidecar' }] } };
    expect(status(pattern, { spec: { containers: [{ name: 'app' }, { name: 'sidecar' }] } })).toBe('pass');
    expect(status(pattern, { spec: { containers: [{ name: 'app' }] } })).toBe('fail');
  });

  it('wildcard keys stand for every key they match', () => {
    const pattern = {
      metadata: {
        '=(annotations)': { '=(container.apparmor.security.beta.kubernetes.io/*)': 'runtime/default | localhost/*' },
      },
    };
    expect(status(pattern, { metadata: { annotations: { other: 'x' } } })).toBe('pass');
    expect(
      status(pattern, {
        metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } },
      }),
    ).toBe('fail');
  });

  it('refuses the mutate-only add anchor', () => {
    expect(() => compilePattern({ spec: { '+(hostNetwork)': false } })).toThrow(UnsupportedPattern);
  });
});

describe('Kyverno JMESPath and conditions', () => {
  const podObject = {
    spec: {
      initContainers: [{ name: 'i', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }],
      containers: [
        { name: 'a', ports: [{ hostPort: 80 }] },
        { name: 'b', securityContext: { capabilities: { add: ['CHOWN'] } } },
      ],
      volumes: [{ name: 'v', hostPath: { path: '/' } }],
    },
  };

  it.each([
    [
      'spec.[ephemeralContainers, initContainers, containers][].securityContext.capabilities.add[]',
      ['NET_ADMIN', 'CHOWN'],
    ],
    ['spec.[ephemeralContainers, initContainers, containers][].ports[].hostPort', [80]],
    ["spec.volumes[].keys(@)[] || ''", ['name', 'hostPath']],
    ['spec.containers[0].name', 'a'],
    ['spec.containers[-1].name', 'b'],
    ["spec.containers[?name == 'b'].name", ['b']],
    ['spec.containers[*].name | length(@)', 2],
    ['spec.hostNetwork || `false`', false],
    ['!(spec.hostNetwork)', true],
  ])('%s', (expression, expected) => {
    expect(compileJmesPath(expression).search(podObject)).toEqual(expected);
  });

  it('refuses what it does not evaluate', () => {
    expect(() => compileJmesPath('{a: spec}')).toThrow(UnsupportedJmesPath);
    expect(() => compileJmesPath('spec.containers[0:1]')).toThrow(UnsupportedJmesPath);
    expect(() => compileJmesPath('base64_decode(spec)').search(podObject)).toThrow(UnsupportedJmesPath);
  });

  it('conditions: AnyNotIn with ranges, AllIn, Equals with wildcards, and unresolved variables', () => {
    const scope = { request: { object: podObject, operation: 'CREATE' } };
    const hostPorts = '{{ request.object.spec.[ephemeralContainers, initContainers, containers][].ports[].hostPort }}';
    expect(compileConditions({ all: [{ key: hostPorts, operator: 'AnyNotIn', value: '5000-6000' }] })(scope)).toBe(
      true,
    );
    expect(compileConditions({ all: [{ key: hostPorts, operator: 'AnyNotIn', value: '0-100' }] })(scope)).toBe(false);
    expect(compileConditions([{ key: ['a', 'b'], operator: 'AllIn', value: ['a', 'b', 'c'] }])(scope)).toBe(true);
    expect(
      compileConditions({ any: [{ key: '{{ request.operation }}', operator: 'Equals', value: 'CRE*' }] })(scope),
    ).toBe(true);
    expect(() =>
      compileConditions([{ key: '{{ request.userInfo.username }}', operator: 'Equals', value: 'x' }])(scope),
    ).toThrow(UnresolvedVariable);
    expect(() => compileConditions([{ key: 'a', operator: 'DurationGreaterThan', value: '1h' }])).toThrow();
  });
});
