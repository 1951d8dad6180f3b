import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'version tag',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: nginx:1.27
`,
    },
    {
      name: "'latest' pinned by digest",
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31
`,
    },
    {
      name: 'digest without tag, registry with a port',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: localhost:5000/web@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31
`,
    },
    {
      name: "a tag that only contains 'latest'",
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: ghcr.io/acme/web:latest-1.4
`,
    },
  ],
  invalid: [
    {
      name: ':latest, at the image field',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: nginx:latest
`,
      findings: [
        {
          line: 8,
          column: 5,
          techniques: ['MS-TA9002'],
          mitigations: ['MS-M9005.003'],
          severity: 'medium',
          path: 'spec.containers[0].image',
          message: /'web'.*'nginx:latest'.*mutable tag/,
        },
      ],
    },
    {
      name: 'no tag: the port of a registry is not a tag',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
      - name: migrate
        image: registry.local:5000/acme/migrate
      containers:
      - name: web
        image: registry.local:5000/acme/web:2.1.0
`,
      findings: [{ line: 10, path: 'spec.template.spec.initContainers[0].image', message: /without tag or digest/ }],
    },
    {
      name: 'CronJob, each unpinned container',
      yaml: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: dump
            image: postgres
          - name: upload
            image: amazon/aws-cli:latest
`,
      findings: [
        { line: 13, message: /'dump'/ },
        { line: 15, message: /'upload'/ },
      ],
    },
  ],
});
