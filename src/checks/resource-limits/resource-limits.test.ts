import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'both limits on every container; an ephemeral container may not set resources',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  initContainers:
  - name: setup
    resources:
      limits: {cpu: 100m, memory: 64Mi}
  containers:
  - name: web
    resources:
      requests: {cpu: 250m, memory: 128Mi}
      limits: {cpu: "1", memory: 256Mi}
  ephemeralContainers:
  - name: debug
`,
    },
    {
      name: 'a LimitRange in the namespace defaults the missing memory limit',
      yaml: `
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits:
  - type: Pod
    max: {cpu: "4"}
  - type: Container
    default: {memory: 512Mi}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
      - name: web
        resources:
          limits: {cpu: 500m}
`,
    },
    {
      name: "a Container LimitRange's max is its default limit when it sets no default",
      yaml: `
apiVersion: v1
kind: LimitRange
metadata: {name: caps, namespace: shop}
spec:
  limits:
  - type: Container
    max: {cpu: "2", memory: 1Gi}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
  - name: web
`,
    },
    {
      name: 'pod-level limits cap every container of the pod',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  resources:
    limits: {cpu: "1", memory: 512Mi}
  initContainers:
  - name: setup
  containers:
  - name: web
`,
    },
    {
      name: 'neither object names a namespace: same namespace',
      yaml: `
apiVersion: v1
kind: LimitRange
metadata: {name: defaults}
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 512Mi}
---
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
`,
    },
    {
      name: 'requireCpuLimit: false accepts a memory limit alone',
      options: { requireCpuLimit: false },
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    resources:
      requests: {cpu: 250m}
      limits: {memory: 256Mi}
`,
    },
  ],
  invalid: [
    {
      name: 'no limits at all, at the container',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.27
`,
      findings: [
        {
          line: 9,
          path: 'spec.template.spec.containers[0].resources.limits',
          techniques: ['MS-TA9040'],
          mitigations: ['MS-M9029'],
          severity: 'low',
          message:
            "container 'web' has no CPU or memory limit, and neither its pod nor a LimitRange in its namespace sets one",
        },
      ],
    },
    {
      name: 'requests only, and an init container with only a CPU limit',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  initContainers:
  - name: setup
    resources:
      limits: {cpu: 100m}
  containers:
  - name: web
    resources:
      requests: {cpu: 250m, memory: 128Mi}
`,
      findings: [
        { line: 9, path: 'spec.initContainers[0].resources.limits', message: /'setup' has no memory limit/ },
        { line: 12, path: 'spec.containers[0].resources.limits', message: /'web' has no CPU or memory limit/ },
      ],
    },
    {
      name: 'a LimitRange in another namespace, or with only a Pod maximum, does not default containers',
      yaml: `
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: other}
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 512Mi}
---
apiVersion: v1
kind: LimitRange
metadata: {name: pods, namespace: shop}
spec:
  limits:
  - type: Pod
    max: {memory: 1Gi}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
  - name: web
    resources:
      limits: {memory: 256Mi}
`,
      findings: [{ line: 25, message: /'web' has no CPU limit/ }],
    },
    {
      name: 'a pod-level CPU limit alone leaves memory unbounded',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  resources:
    limits: {cpu: "1"}
  containers:
  - name: web
`,
      findings: [{ line: 9, message: /'web' has no memory limit/ }],
    },
    {
      name: 'requireCpuLimit: false still requires memory',
      options: { requireCpuLimit: false },
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    resources:
      limits: {cpu: 500m}
`,
      findings: [
        {
          line: 9,
          message:
            "container 'web' has no memory limit, and neither its pod nor a LimitRange in its namespace sets one",
        },
      ],
    },
  ],
});
