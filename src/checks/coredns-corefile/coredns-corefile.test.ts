import { testCheck } from '../tester.js';
import check from './index.js';

const coredns = (corefile: string, namespace = 'kube-system') => `apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: ${namespace}}
data:
  Corefile: |
${corefile
  .trim()
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
`;

/** kubeadm's Corefile. */
const KUBEADM = `.:53 {
    errors
    health { lameduck 5s }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}`;

testCheck(check, {
  valid: [
    { name: "kubeadm's Corefile", yaml: coredns(KUBEADM) },
    {
      name: 'a stub domain to a private resolver, the VPC resolver and NodeLocal DNSCache',
      yaml: coredns(`corp.example:53 {
    forward . 10.20.0.2:53 tls://[fd00::53]
}
.:53 {
    forward . 169.254.169.253 169.254.20.10 # rewrite nothing
}`),
    },
    {
      name: 'a ConfigMap called coredns elsewhere is not the cluster DNS',
      yaml: coredns('.:53 {\n    forward . 8.8.8.8\n}', 'tools'),
    },
  ],
  invalid: [
    {
      name: 'a rewrite and a public resolver',
      yaml: coredns(
        KUBEADM.replace(
          '    ready\n',
          '    ready\n    rewrite name login.example.com login.attacker.example\n',
        ).replace('forward . /etc/resolv.conf {', 'forward . 8.8.8.8 dns://10.0.0.2 tls://1.1.1.1 {'),
      ),
      findings: [
        // One line in the manifest: findings at the same place come in the engine's stable order.
        {
          line: 5,
          path: 'data.Corefile[12]',
          message:
            "Corefile line 12: queries for '.' go to resolvers outside the cluster's networks (8.8.8.8, tls://1.1.1.1)",
        },
        {
          line: 5,
          path: 'data.Corefile[5]',
          techniques: ['MS-TA9035'],
          severity: 'info',
          message:
            'Corefile line 5: a rewrite rule (name login.example.com login.attacker.example) changes the names pods look up',
        },
      ],
    },
  ],
});
