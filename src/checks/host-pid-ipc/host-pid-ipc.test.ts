import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'shareProcessNamespace shares only the pod',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  shareProcessNamespace: true
  hostPID: false
  hostIPC: false
  containers:
  - name: web
`,
    },
  ],
  invalid: [
    {
      name: 'hostPID alone is a missing mitigation, not a technique',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: monitoring}
spec:
  template:
    spec:
      hostPID: true
      containers:
      - name: node-exporter
`,
      findings: [
        {
          line: 8,
          column: 7,
          techniques: [],
          mitigations: ['MS-M9017'],
          severity: 'medium',
          path: 'spec.template.spec.hostPID',
          message: /^hostPID/,
        },
      ],
    },
    {
      name: 'one finding per field',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: legacy}
spec:
  hostIPC: true
  hostPID: true
  containers:
  - name: legacy
`,
      findings: [
        { line: 6, path: 'spec.hostIPC', message: /^hostIPC/ },
        { line: 7, path: 'spec.hostPID', message: /^hostPID/ },
      ],
    },
  ],
});
