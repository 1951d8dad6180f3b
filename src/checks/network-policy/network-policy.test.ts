import { testCheck } from '../tester.js';
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
  ],
  invalid: [
    {
      name: 'no policy at all, at the template labels',
      yaml: DEPLOYMENT,
      findings: [
        {
          line: 8,
          techniques: ['MS-TA9034', 'MS-TA9031', 'MS-TA9033'],
          mitigations: ['MS-M9014'],
          severity: 'low',
          path: 'spec.template.metadata.labels',
          message:
            "no NetworkPolicy in namespace 'shop' restricts ingress or egress for the pods of Deployment 'api': any pod in the cluster can connect to them, and they can connect to any pod, map the network, and reach the cloud metadata API (169.254.169.254) unless the nodes block it",
        },
      ],
    },
    {
      name: 'ingress-only policy: egress is open',
      yaml: INGRESS_ONLY,
      findings: [
        {
          line: 8,
          techniques: ['MS-TA9034', 'MS-TA9031', 'MS-TA9033'],
          message: /restricts egress for .*: they can connect to any pod, map the network/,
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
      findings: [{ line: 8, message: /restricts ingress for .*: any pod in the cluster can connect to them$/ }],
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
      findings: [{ line: 8, message: /restricts egress for the pods of Deployment 'api'/ }],
    },
    {
      name: 'unlabelled Pod without namespace: at the pod metadata; a namespaced policy does not apply',
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
      findings: [{ line: 4, path: 'metadata.labels', message: /in its namespace restricts .* Pod 'debug'/ }],
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
