import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'Secret mounted as a file; ConfigMap and field references in env',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
      - name: api
        env:
        - name: LOG_LEVEL
          valueFrom:
            configMapKeyRef: {name: api-config, key: log-level}
        - name: POD_NAME
          valueFrom:
            fieldRef: {fieldPath: metadata.name}
        envFrom:
        - configMapRef: {name: api-config}
        volumeMounts:
        - {name: db, mountPath: /run/secrets/db, readOnly: true}
      volumes:
      - name: db
        secret: {secretName: db}
`,
    },
  ],
  invalid: [
    {
      name: 'secretKeyRef and envFrom secretRef, each at its reference',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
      - name: api
        env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef: {name: db, key: password}
        envFrom:
        - configMapRef: {name: api-config}
        - secretRef: {name: api-keys}
`,
      findings: [
        {
          line: 13,
          path: 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef',
          techniques: [],
          mitigations: ['MS-M9022'],
          severity: 'info',
          message: "container 'api' reads key 'password' of Secret 'db' into env 'DB_PASSWORD'",
        },
        {
          line: 16,
          path: 'spec.template.spec.containers[0].envFrom[1].secretRef',
          severity: 'info',
          message: "container 'api' loads every key of Secret 'api-keys' into its environment",
        },
      ],
    },
    {
      name: 'in an init container',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: migrate}
spec:
  initContainers:
  - name: migrate
    env:
    - name: DATABASE_URL
      valueFrom: {secretKeyRef: {name: db, key: url}}
  containers:
  - name: app
`,
      findings: [{ line: 10, path: 'spec.initContainers[0].env[0].valueFrom.secretKeyRef', message: /'migrate'/ }],
    },
  ],
});
