import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'a Job runs once, it is not scheduled',
      yaml: `
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
`,
    },
  ],
  invalid: [
    {
      name: 'plain CronJob is inventory',
      yaml: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 6 * * 1"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: report
            volumeMounts:
            - {name: certs, mountPath: /etc/ssl/certs, readOnly: true}
          volumes:
          - name: certs
            hostPath: {path: /etc/ssl/certs}
`,
      findings: [
        {
          line: 6,
          column: 3,
          techniques: ['MS-TA9014'],
          severity: 'info',
          path: 'spec.schedule',
          message: 'inventory: scheduled workload; review it',
        },
      ],
    },
    {
      name: 'CronJob with a writable hostPath is high',
      yaml: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: cleanup, namespace: ops}
spec:
  schedule: "@hourly"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: cleanup
            volumeMounts:
            - {name: logs, mountPath: /logs}
          volumes:
          - name: logs
            hostPath: {path: /var/log}
`,
      findings: [
        {
          line: 6,
          techniques: ['MS-TA9014'],
          severity: 'high',
          message: "scheduled workload with node-level access: writable hostPath '/var/log'",
        },
      ],
    },
  ],
});
