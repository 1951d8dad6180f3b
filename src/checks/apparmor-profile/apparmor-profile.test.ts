import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'absent is the runtime default; RuntimeDefault and Localhost are confined',
      yaml: `
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    container.apparmor.security.beta.kubernetes.io/proxy: localhost/k8s-proxy
spec:
  containers:
  - name: web
  - name: proxy
  - name: worker
    securityContext:
      appArmorProfile: {type: RuntimeDefault}
`,
    },
    {
      name: 'the container field overrides an unconfined pod; ephemeral containers are skipped',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext:
    appArmorProfile: {type: Unconfined}
  containers:
  - name: web
    securityContext:
      appArmorProfile: {type: RuntimeDefault}
  ephemeralContainers:
  - name: debug
`,
    },
    {
      name: "a container's annotation overrides the pod field, its field overrides its annotation; privileged is reported elsewhere",
      yaml: `
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    container.apparmor.security.beta.kubernetes.io/web: runtime/default
    container.apparmor.security.beta.kubernetes.io/proxy: unconfined
    container.apparmor.security.beta.kubernetes.io/agent: unconfined
spec:
  securityContext:
    appArmorProfile: {type: Unconfined}
  containers:
  - name: web
  - name: proxy
    securityContext:
      appArmorProfile: {type: Localhost, localhostProfile: k8s-proxy}
  - name: agent
    securityContext: {privileged: true}
`,
    },
  ],
  invalid: [
    {
      name: 'unconfined annotation on one container, at the annotation',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/agent: unconfined
    spec:
      containers:
      - name: agent
      - name: exporter
`,
      findings: [
        {
          line: 9,
          path: 'spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/agent"]',
          techniques: [],
          mitigations: ['MS-M9011'],
          severity: 'medium',
          message:
            "container 'agent' runs without AppArmor: annotation container.apparmor.security.beta.kubernetes.io/agent: unconfined",
        },
      ],
    },
    {
      name: 'Unconfined on the pod: one finding per container',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext:
    appArmorProfile: {type: Unconfined}
  containers:
  - name: web
  - name: proxy
`,
      findings: [
        { line: 9, path: 'spec.containers[0].securityContext.appArmorProfile', message: /'web'.*pod securityContext/ },
        { line: 10, path: 'spec.containers[1].securityContext.appArmorProfile', message: /'proxy'/ },
      ],
    },
  ],
});
