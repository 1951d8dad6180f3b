import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'procMount: Default',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    securityContext:
      procMount: Default
`,
    },
    {
      name: 'privileged container is left to privileged-container',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: dind}
spec:
  containers:
  - name: dind
    securityContext:
      privileged: true
      procMount: Unmasked
`,
    },
  ],
  invalid: [
    {
      name: 'Unmasked in a user-namespaced build pod',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: builder}
spec:
  template:
    spec:
      hostUsers: false
      containers:
      - name: buildkit
        securityContext:
          procMount: Unmasked
`,
      findings: [
        {
          line: 12,
          column: 11,
          techniques: ['MS-TA9018'],
          severity: 'high',
          path: 'spec.template.spec.containers[0].securityContext.procMount',
          message: /'buildkit'/,
        },
      ],
    },
  ],
});
