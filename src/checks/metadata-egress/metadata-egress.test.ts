import { testCheck } from '../tester.js';
import check from './index.js';

const API = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - {name: api, image: ghcr.io/acme/api:1.0}
`;

const egress = (rules: string) => `${API}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: ${rules}
`;

testCheck(check, {
  valid: [
    { name: 'default-deny egress', yaml: egress('[]') },
    {
      name: 'everything but the metadata endpoint',
      yaml: egress(`
  - to:
    - ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}`),
    },
    {
      name: 'only DNS and other pods, whatever the address',
      yaml: egress(`
  - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
  - to:
    - namespaceSelector: {}`),
    },
    {
      name: 'hostNetwork pods always reach it: the host-network check reports them',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: monitoring}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - {name: agent, image: ghcr.io/acme/agent:1.0}
`,
    },
  ],
  invalid: [
    {
      name: 'no egress policy in the namespace: once, on the Namespace object',
      yaml: `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---${API}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ingress, namespace: shop}
spec:
  podSelector: {}
`,
      findings: [
        {
          line: 4,
          techniques: ['MS-TA9033', 'MS-TA9028'],
          mitigations: ['MS-M9018'],
          severity: 'medium',
          path: 'metadata.name',
          message:
            "no NetworkPolicy in the input restricts egress from any pod in namespace 'shop' (Deployment 'api'): they reach 169.254.169.254 and fd00:ec2::254, the cloud instance-metadata API, and through it the node's cloud credentials unless the nodes block it",
          evidence: [{ type: 'workload', line: 12 }],
        },
      ],
    },
    {
      name: 'an egress rule to 0.0.0.0/0 without an exception, on a port range that holds 80',
      yaml: egress(`
  - to:
    - ipBlock: {cidr: 10.0.0.0/8}
  - to:
    - ipBlock: {cidr: 0.0.0.0/0, except: [169.254.0.0/24]}
    ports: [{port: 1, endPort: 1024}]`),
      findings: [
        {
          line: 8,
          path: 'spec.template.metadata.labels',
          message:
            "the pods of Deployment 'api' in namespace 'shop': egress rules let them reach 169.254.169.254, the cloud instance-metadata API, and through it the node's cloud credentials unless the nodes block it",
          evidence: [{ type: 'rule', line: 22 }],
        },
      ],
    },
    {
      name: 'an egress rule with no peers allows both endpoints; a workload the policy misses is open',
      yaml: `${API}---
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
  labels: {app: debug}
spec:
  containers:
  - {name: debug, image: busybox:1.36}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  egress:
  - ports: [{port: 80}]
`,
      findings: [
        {
          line: 8,
          message: /egress rules let them reach 169.254.169.254 and fd00:ec2::254/,
          evidence: [{ type: 'rule', line: 29 }],
        },
        {
          line: 18,
          path: 'metadata.labels',
          message:
            /Pod 'debug' in namespace 'shop': no NetworkPolicy in the input restricts their egress: they reach 169.254.169.254 and fd00:ec2::254/,
          evidence: [],
        },
      ],
    },
  ],
});
