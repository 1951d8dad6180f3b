import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'hostNetwork: false with a hostPort',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  hostNetwork: false
  containers:
  - name: web
    ports:
    - {containerPort: 80, hostPort: 8080}
`,
    },
  ],
  invalid: [
    {
      name: 'application Deployment on the host network',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: web
`,
      findings: [
        {
          line: 8,
          column: 7,
          techniques: ['MS-TA9034', 'MS-TA9033', 'MS-TA9028'],
          severity: 'high',
          path: 'spec.template.spec.hostNetwork',
        },
      ],
    },
    {
      name: 'manifest without a namespace counts as an application',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  hostNetwork: yes
  containers:
  - name: web
`,
      findings: [{ line: 6, severity: 'high' }],
    },
    {
      name: 'node agent in kube-system is medium',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube-proxy, namespace: kube-system}
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: kube-proxy
`,
      findings: [{ line: 8, severity: 'medium', techniques: ['MS-TA9034', 'MS-TA9033', 'MS-TA9028'] }],
    },
  ],
});
