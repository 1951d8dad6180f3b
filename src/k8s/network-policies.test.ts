import { describe, expect, it } from 'vitest';
import { seeded } from '../../test/support/random.mjs';
import { parseManifest } from '../inputs/manifests.js';
import { buildInventory, type PodSpecView } from '../inventory/index.js';
import { cidrContains, type IpAddress, parseCidr, parseIp } from './ip.js';
import { METADATA_ENDPOINTS, networkPolicies } from './network-policies.js';
import { selects } from './selectors.js';

function load(yaml: string) {
  const { objects } = parseManifest('policies.yaml', Buffer.from(yaml));
  const { inventory, errors } = buildInventory(objects);
  const index = networkPolicies(inventory);
  const pod = (name: string) => inventory.podSpecs.find((spec) => spec.owner.ref.name === name) as PodSpecView;
  const names = (policies: readonly { resource: { ref: { name: string } } }[]) =>
    policies.map((policy) => policy.resource.ref.name);
  return { inventory, errors, index, pod, names };
}

const pods = (namespace: string, ...specs: [name: string, labels: string][]) =>
  specs
    .map(
      ([name, labels]) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${namespace}, labels: ${labels}}
spec: {containers: [{name: c, image: app:1}]}
---`,
    )
    .join('');

const policy = (namespace: string, name: string, spec: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${namespace}}
spec: ${spec}
---`;

const [IMDS_V4, IMDS_V6] = METADATA_ENDPOINTS.map((endpoint) => endpoint.address) as [IpAddress, IpAddress];

describe('IP addresses and CIDRs', () => {
  it('parses both families, `::` compression and dotted IPv6 tails', () => {
    expect(parseIp('169.254.169.254')).toEqual({ version: 4, value: 0xa9fea9fen });
    expect(parseIp('fd00:ec2::254')).toEqual({ version: 6, value: (0xfd00n << 112n) | (0xec2n << 96n) | 0x254n });
    expect(parseIp('::ffff:10.0.0.1')?.value).toBe((0xffffn << 32n) | 0x0a000001n);
    expect(parseIp('::')?.value).toBe(0n);
    for (const bad of ['256.0.0.1', '1.2.3', 'fd00::ec2::1', '1:2:3:4:5:6:7:8:9', 'host', '']) {
      expect(parseIp(bad), bad).toBeUndefined();
    }
  });

  it('contains by prefix, never across families', () => {
    const contains = (cidr: string, ip: string) =>
      cidrContains(parseCidr(cidr) as NonNullable<ReturnType<typeof parseCidr>>, parseIp(ip) as IpAddress);
    expect(contains('0.0.0.0/0', '169.254.169.254')).toBe(true);
    expect(contains('169.254.0.0/16', '169.254.169.254')).toBe(true);
    expect(contains('169.254.169.254/32', '169.254.169.253')).toBe(false);
    expect(contains('0.0.0.0/0', 'fd00:ec2::254')).toBe(false);
    expect(contains('::/0', 'fd00:ec2::254')).toBe(true);
    expect(contains('fd00:ec2::/64', 'fd00:ec2::254')).toBe(true);
    expect(parseCidr('10.0.0.0')).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
  });
});

describe('NetworkPolicy evaluation', () => {
  it('selects pods by matchLabels and matchExpressions, and applies policyTypes defaults', () => {
    const { index, pod, names } = load(
      pods('shop', ['api', '{app: api, tier: backend}'], ['web', '{app: web}']) +
        policy('shop', 'backend', '{podSelector: {matchExpressions: [{key: tier, operator: In, values: [backend]}]}}') +
        policy('shop', 'web-out', '{podSelector: {matchLabels: {app: web}}, egress: [{to: [{podSelector: {}}]}]}') +
        policy('shop', 'web-empty-egress', '{podSelector: {matchLabels: {app: web}}, egress: []}') +
        policy('other', 'everything', '{podSelector: {}, policyTypes: [Ingress, Egress]}'),
    );
    expect(names(index.isolating(pod('api'), 'Ingress'))).toEqual(['backend']);
    expect(names(index.isolating(pod('api'), 'Egress'))).toEqual([]);
    // Egress rules make a policy an egress policy too; `egress: []` without policyTypes does not.
    expect(names(index.isolating(pod('web'), 'Ingress'))).toEqual(['web-out', 'web-empty-egress']);
    expect(names(index.isolating(pod('web'), 'Egress'))).toEqual(['web-out']);
  });

  it('detects default deny per namespace and direction', () => {
    const { index, names } = load(
      policy('a', 'deny-all', '{podSelector: {}, policyTypes: [Ingress, Egress]}') +
        policy('b', 'deny-in', '{podSelector: {}}') +
        policy(
          'c',
          'allow-dns',
          '{podSelector: {}, policyTypes: [Egress], egress: [{ports: [{port: 53, protocol: UDP}]}]}',
        ),
    );
    expect(
      names([index.defaultDeny('a', 'Ingress'), index.defaultDeny('a', 'Egress')].flatMap((p) => p ?? [])),
    ).toEqual(['deny-all', 'deny-all']);
    expect(index.defaultDeny('b', 'Ingress')?.resource.ref.name).toBe('deny-in');
    expect(index.defaultDeny('b', 'Egress')).toBeUndefined();
    // Allowing something is no longer a default deny.
    expect(index.defaultDeny('c', 'Egress')).toBeUndefined();
  });

  it('finds rules open to every pod: no peers, or every namespace and every pod, on every port', () => {
    const { index } = load(
      pods('shop', ['api', '{app: api}']) +
        pods('kube-system', ['dns', '{k8s-app: kube-dns}']) +
        `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---` +
        policy('shop', 'any', '{podSelector: {}, ingress: [{}]}') +
        policy('shop', 'all-namespaces', '{podSelector: {}, ingress: [{from: [{namespaceSelector: {}}]}]}') +
        policy('shop', 'on-a-port', '{podSelector: {}, ingress: [{ports: [{port: 8080}]}]}') +
        policy(
          'shop',
          'some-pods',
          '{podSelector: {}, ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}]}]}',
        ) +
        policy('shop', 'own-namespace', '{podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}') +
        policy(
          'shop',
          'not-system',
          `{podSelector: {}, ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system]}]}}]}]}`,
        ) +
        policy(
          'shop',
          'by-name',
          `{podSelector: {}, ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [shop, kube-system]}]}}]}]}`,
        ) +
        policy(
          'shop',
          'by-label',
          '{podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: shop}}}]}]}',
        ),
    );
    const open = index
      .inNamespace('shop')
      .filter((p) => index.openRule(p, 'Ingress'))
      .map((p) => p.resource.ref.name);
    // Namespace labels come from the Namespace object and `kubernetes.io/metadata.name`: kube-system has no `team`.
    expect(open).toEqual(['any', 'all-namespaces', 'by-name']);
    expect(index.namespaceLabels('shop')).toEqual({ team: 'shop', 'kubernetes.io/metadata.name': 'shop' });
  });

  it('decides egress to the metadata endpoints by ipBlock, except and ports', () => {
    const { index, pod } = load(
      pods(
        'a',
        ['open', '{app: open}'],
        ['blocked', '{app: blocked}'],
        ['dns-only', '{app: dns}'],
        ['v6', '{app: v6}'],
      ) +
        pods('a', ['range', '{app: range}'], ['pods-only', '{app: pods}'], ['any', '{app: any}']) +
        policy(
          'a',
          'blocked',
          `{podSelector: {matchLabels: {app: blocked}}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}}]}]}`,
        ) +
        policy(
          'a',
          'dns',
          `{podSelector: {matchLabels: {app: dns}}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 53, protocol: UDP}, {port: 53}]}]}`,
        ) +
        policy(
          'a',
          'v6',
          `{podSelector: {matchLabels: {app: v6}}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: "::/0"}}], ports: [{port: 80}]}]}`,
        ) +
        policy(
          'a',
          'range',
          `{podSelector: {matchLabels: {app: range}}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 169.254.0.0/16}}], ports: [{port: 1, endPort: 1024}]}]}`,
        ) +
        policy(
          'a',
          'pods',
          `{podSelector: {matchLabels: {app: pods}}, policyTypes: [Egress], egress: [{to: [{namespaceSelector: {}}]}]}`,
        ) +
        policy('a', 'any', `{podSelector: {matchLabels: {app: any}}, policyTypes: [Egress], egress: [{}]}`),
    );
    const reach = (name: string) => METADATA_ENDPOINTS.map(({ address }) => index.egressTo(pod(name), address).allowed);
    expect(reach('open')).toEqual([true, true]);
    expect(index.egressTo(pod('open'), IMDS_V4).isolating).toEqual([]);
    expect(reach('blocked')).toEqual([false, false]);
    expect(reach('dns-only')).toEqual([false, false]);
    expect(reach('v6')).toEqual([false, true]);
    expect(reach('range')).toEqual([true, false]);
    expect(reach('pods-only')).toEqual([false, false]);
    expect(reach('any')).toEqual([true, true]);
    const verdict = index.egressTo(pod('range'), IMDS_V4);
    expect(verdict.allowedBy.map((rule) => [rule.policy.resource.ref.name, rule.index])).toEqual([['range', 0]]);
    expect(index.egressTo(pod('v6'), IMDS_V6).allowedBy).toHaveLength(1);
  });

  it('reports malformed policies where they are wrong, and ignores them', () => {
    const { errors, index, pod, names } = load(
      pods('shop', ['api', '{app: api}']) +
        policy('shop', 'string-selector', '{podSelector: "app=api", policyTypes: [Ingress]}') +
        policy('shop', 'list-selector', '{podSelector: [app, api]}') +
        policy('shop', 'unknown-type', '{podSelector: {}, policyTypes: [Ingress, Everything]}') +
        policy(
          'shop',
          'bad-cidr',
          '{podSelector: {}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 10.0.0.0}}]}]}',
        ) +
        policy('shop', 'good', '{podSelector: {matchLabels: {app: api}}, policyTypes: [Egress]}'),
    );
    expect(errors).toEqual([
      {
        source: 'policies.yaml',
        line: 10,
        column: 8,
        message:
          'NetworkPolicy string-selector: spec.podSelector: expected object, got a string; the policy was ignored',
      },
      {
        source: 'policies.yaml',
        line: 15,
        column: 8,
        message: 'NetworkPolicy list-selector: spec.podSelector: expected object, got a list; the policy was ignored',
      },
      {
        source: 'policies.yaml',
        line: 20,
        column: 48,
        message:
          'NetworkPolicy unknown-type: spec.policyTypes[1]: must be one of "Ingress", "Egress"; the policy was ignored',
      },
      {
        source: 'policies.yaml',
        line: 25,
        column: 74,
        message:
          'NetworkPolicy bad-cidr: spec.egress[0].to[0].ipBlock.cidr: expected a CIDR such as 10.0.0.0/8; the policy was ignored',
      },
    ]);
    expect(names(index.inNamespace('shop'))).toEqual(['good']);
    expect(names(index.isolating(pod('api'), 'Ingress'))).toEqual([]);
    expect(names(index.isolating(pod('api'), 'Egress'))).toEqual(['good']);
  });
});

describe('NetworkPolicy connections', () => {
  it('decides a pod-to-pod or address connection by peers, named or numbered ports and protocol', () => {
    const { index, pod } = load(
      pods('shop', ['api', '{app: api}']) +
        policy(
          'shop',
          'api-from-web',
          `{podSelector: {matchLabels: {app: api}}, policyTypes: [Ingress], ingress: [
            {from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: http}]},
            {from: [{namespaceSelector: {matchLabels: {team: ops}}}], ports: [{port: 9090, endPort: 9099, protocol: UDP}]},
            {from: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.9/32]}}]}]}`,
        ),
    );
    const api = pod('api');
    const web = { namespace: 'shop', labels: { app: 'web' } };
    const allowed = (peer: Parameters<typeof index.connection>[2], port: Parameters<typeof index.connection>[3]) =>
      index.connection(api, 'Ingress', peer, port).allowed;
    expect(allowed(web, { number: 8080, name: 'http' })).toBe(true);
    // The same number without the port's name, another pod, the same labels in another namespace: no.
    expect(allowed(web, { number: 8080 })).toBe(false);
    expect(allowed({ namespace: 'shop', labels: { app: 'db' } }, { number: 8080, name: 'http' })).toBe(false);
    expect(allowed({ namespace: 'other', labels: { app: 'web' } }, { number: 8080, name: 'http' })).toBe(false);
    // A namespace the input does not hold has only its name label: `team: ops` does not select it.
    expect(allowed({ namespace: 'ops', labels: {} }, { number: 9095, protocol: 'UDP' })).toBe(false);
    expect(allowed({ address: parseIp('203.0.113.7') as IpAddress }, { number: 1 })).toBe(true);
    expect(allowed({ address: parseIp('203.0.113.9') as IpAddress }, { number: 1 })).toBe(false);
    // Pods are not addresses here: an ipBlock does not select them.
    expect(index.connection(api, 'Egress', web, { number: 80 }).allowed).toBe(true);
    expect(index.connection(api, 'Egress', web, { number: 80 }).isolating).toEqual([]);
  });
});

describe('which policies select a pod', () => {
  it("are those testing every policy of its namespace would find, in the namespace's order", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = seeded(seed);
      const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
      const keys = ['app', 'tier', 'role'];
      const values = ['web', 'api', '1', 'true'];
      const pairs = (most: number) =>
        `{${[...new Set(Array.from({ length: Math.floor(next() * (most + 1)) }, () => `${pick(keys)}: ${pick(values)}`))].join(', ')}}`;
      // Selectors of every shape: none (all pods), `{}`, matchLabels (values as YAML numbers and booleans too),
      // expressions alone, both.
      const selector = () =>
        pick([
          '',
          'podSelector: {}, ',
          `podSelector: {matchLabels: ${pairs(2)}}, `,
          `podSelector: {matchExpressions: [{key: ${pick(keys)}, operator: ${pick(['In', 'NotIn', 'Exists', 'DoesNotExist'])}, values: [web, api]}]}, `,
          `podSelector: {matchLabels: ${pairs(2)}, matchExpressions: [{key: ${pick(keys)}, operator: Exists}]}, `,
        ]);
      const documents = [
        ...Array.from(
          { length: 20 },
          (_, i) =>
            `apiVersion: v1\nkind: Pod\nmetadata: {name: pod-${i}, namespace: ${pick(['a', 'b'])}, labels: ${pairs(3).replaceAll(/: ([^,}]+)/g, ": '$1'")}}\nspec: {containers: [{name: c, image: app:1}]}`,
        ),
        ...Array.from(
          { length: 20 },
          (_, i) =>
            `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: policy-${i}, namespace: ${pick(['a', 'b'])}}\nspec: {${selector()}policyTypes: [Ingress]}`,
        ),
      ];
      const { inventory, index } = load(documents.join('\n---\n'));
      for (const pod of inventory.podSpecs) {
        const expected = index
          .inNamespace(pod.namespace)
          .filter((policy) => selects(policy.spec.podSelector ?? {}, pod.podLabels));
        expect(index.selecting(pod), `seed ${seed}, ${pod.owner.ref.name}`).toEqual(expected);
      }
    }
  });
});
