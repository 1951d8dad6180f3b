import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'reading CronJobs; cronjobs in the wrong API group',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: viewer}
rules:
- {apiGroups: [batch], resources: [cronjobs], verbs: [get, list]}
- {apiGroups: [""], resources: [cronjobs], verbs: [create]}
`,
    },
  ],
  invalid: [
    {
      name: 'creating CronJobs in a namespace',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: scheduler, namespace: batch}
rules:
- {apiGroups: [batch], resources: [cronjobs], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: scheduler, namespace: batch}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: scheduler}
subjects:
- {kind: User, name: airflow}
`,
      findings: [
        {
          line: 13,
          severity: 'medium',
          techniques: ['MS-TA9014'],
          message: /User airflow can create or change CronJobs in namespace batch/,
          evidence: [
            { type: 'binding', line: 11 },
            { type: 'rule', line: 6 },
          ],
        },
      ],
    },
  ],
});
