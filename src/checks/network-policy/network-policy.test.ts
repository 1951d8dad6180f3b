import { expect, it } from 'vitest';
import { runCheck, testCheck } from '../tester.js';
import check from './index.js';

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: api, tier: backend}
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:1.0
`;

const INGRESS_ONLY = `${DEPLOYMENT}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
`;

testCheck(check, {
  valid: [
    {
      name: 'a Pod without namespace is in default, where a default-deny policy isolates it',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec:
  containers:
  - name: debug
    image: busybox:1.36
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`,
    },
    {
      name: 'default-deny policy with an empty podSelector',
      yaml: `${DEPLOYMENT}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`,
    },
    {
      name: 'policy selecting by matchExpressions; policyTypes implied by its rules',
      yaml: `${DEPLOYMENT}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend, namespace: shop}
spec:
  podSelector:
    matchLabels: {tier: backend}
    matchExpressions:
    - {key: app, operator: In, values: [api, worker]}
    - {key: canary, operator: DoesNotExist}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
  egress:
  - to:
    - podSelector: {matchLabels: {app: db}}
`,
    },
    {
      name: 'ingress and egress from two policies',
      yaml: `${INGRESS_ONLY}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress, namespace: shop}
spec:
  podSelector: {matchExpressions: [{key: tier, operator: Exists}]}
  policyTypes: [Egress]
`,
    },
    { name: 'ingress-only policy, with egress not required', yaml: INGRESS_ONLY, options: { egress: false } },
    {
      name: 'an empty policyTypes list defaults from the rules: egress rules make it an egress policy too',
      yaml: `${DEPLOYMENT}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: []
  egress:
  - to:
    - podSelector: {matchLabels: {app: db}}
`,
    },
    {
      name: 'hostNetwork pods are reported elsewhere',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: agent
        image: ghcr.io/acme/agent:1.0
`,
    },
    {
      name: 'a default-deny namespace whose allow rules name their peers',
      yaml: `${DEPLOYMENT}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: web}}
      podSelector: {matchLabels: {app: web}}
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/8}
`,
    },
  ],
  invalid: [
    {
      name: 'a namespace no policy covers: once, on its Namespace object, its workloads as evidence',
      yaml: `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---${DEPLOYMENT}---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - {name: db, image: postgres:16}
`,
      findings: [
        {
          line: 4,
          techniques: ['MS-TA9034', 'MS-TA9031'],
          mitigations: ['MS-M9014'],
          severity: 'low',
          path: 'metadata.name',
          message:
            "no NetworkPolicy in the input selects any pod in namespace 'shop' (Deployment 'api', StatefulSet 'db'): any pod in the cluster can connect to them, and they can connect to any pod and map the network",
          evidence: [
            { type: 'workload', line: 12 },
            { type: 'workload', line: 24 },
          ],
        },
      ],
    },
    {
      name: 'no Namespace object: on the first workload; a policy selecting nothing is evidence',
      yaml: `${DEPLOYMENT}---
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
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
`,
      options: { egress: false },
      findings: [
        {
          line: 8,
          techniques: ['MS-TA9034'],
          path: 'spec.template.metadata.labels',
          message:
            "no NetworkPolicy in the input selects any pod in namespace 'shop' (Deployment 'api', Pod 'debug'): any pod in the cluster can connect to them",
          evidence: [
            { type: 'workload', line: 8 },
            { type: 'workload', line: 19 },
            { type: 'policy', line: 28 },
          ],
        },
      ],
    },
    {
      name: 'ingress-only policy: egress is open, for that workload, with the policy as evidence',
      yaml: INGRESS_ONLY,
      findings: [
        {
          line: 8,
          techniques: ['MS-TA9034', 'MS-TA9031'],
          path: 'spec.template.metadata.labels',
          message:
            "the pods of Deployment 'api' in namespace 'shop': no NetworkPolicy in the input restricts their egress: they can connect to any pod and map the network",
          evidence: [{ type: 'policy', line: 18 }],
        },
      ],
    },
    {
      name: 'partly covered namespace: each workload with a gap, said per workload',
      yaml: `${INGRESS_ONLY}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: worker}
    spec:
      containers:
      - {name: worker, image: ghcr.io/acme/worker:1.0}
`,
      findings: [
        { line: 8, techniques: ['MS-TA9034', 'MS-TA9031'], message: /Deployment 'api' .*restricts their egress/ },
        {
          line: 27,
          message:
            "the pods of Deployment 'worker' in namespace 'shop': no NetworkPolicy in the input restricts their ingress: any pod in the cluster can connect to them; no NetworkPolicy in the input restricts their egress: they can connect to any pod and map the network",
          evidence: [],
        },
      ],
    },
    {
      name: 'a policy whose ingress rule admits every namespace on every port: reachable from every pod',
      yaml: `${DEPLOYMENT}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
  - from:
    - namespaceSelector: {}
`,
      options: { egress: false },
      findings: [
        {
          line: 8,
          techniques: ['MS-TA9034'],
          message:
            "the pods of Deployment 'api' in namespace 'shop': NetworkPolicy 'api' ingress[1] admits every pod on every port: any pod in the cluster can connect to them",
          evidence: [
            { type: 'policy', line: 23 },
            { type: 'policy', line: 18 },
          ],
        },
      ],
    },
    {
      name: 'policies that miss: other namespace, Egress only, other labels, NotIn',
      yaml: `${DEPLOYMENT}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: other}
spec:
  podSelector: {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: not-backend, namespace: shop}
spec:
  podSelector:
    matchExpressions:
    - {key: tier, operator: NotIn, values: [backend]}
`,
      options: { egress: false },
      findings: [{ line: 8, message: /restricts their ingress: any pod in the cluster can connect to them$/ }],
    },
    {
      name: 'without policyTypes, an empty egress list does not make a policy restrict egress',
      yaml: `${DEPLOYMENT}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress: []
  egress: []
`,
      findings: [
        {
          line: 8,
          message: /Deployment 'api' in namespace 'shop': no NetworkPolicy in the input restricts their egress/,
        },
      ],
    },
    {
      name: 'unlabelled Pod without namespace is in default: a policy in another namespace does not apply',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec:
  containers:
  - name: debug
    image: busybox:1.36
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`,
      findings: [
        { line: 4, path: 'metadata.labels', message: /selects any pod in namespace 'default' \(Pod 'debug'\)/ },
      ],
    },
    {
      name: 'CronJob template labels',
      yaml: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {app: report}
        spec:
          containers:
          - name: report
            image: ghcr.io/acme/report:1.0
`,
      findings: [{ line: 11, path: 'spec.jobTemplate.spec.template.metadata.labels' }],
    },
  ],
});

it('names a default deny as such in the evidence, and other policies by what they select the pods for', () => {
  const [finding] = runCheck(
    check,
    `${INGRESS_ONLY}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
`,
  );
  expect(finding?.evidence?.map((entry) => entry.text)).toEqual([
    "NetworkPolicy 'api' selects them for ingress",
    "NetworkPolicy 'default-deny' denies all ingress",
  ]);
});
