import { describe, expect, it } from 'vitest';
import { runCheck, testCheck } from '../tester.js';
import check from './index.js';

const AWS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const GITHUB_TOKEN = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
const DB_PASSWORD = 'Tr0ub4dor&3';

const leaky = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
      - name: api
        env:
        - name: AWS_ACCESS_KEY_ID
          value: ${AWS_KEY_ID}
        - name: DB_PASSWORD
          value: "${DB_PASSWORD}"
      initContainers:
      - name: clone
        env:
        - name: REPO
          value: https://x-access-token:${GITHUB_TOKEN}@github.com/acme/app.git
`;

testCheck(check, {
  valid: [
    {
      name: 'references, settings and ordinary values under credential-like names',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  containers:
  - name: api
    env:
    - name: PASSWORD_FILE
      value: /run/secrets/db/password
    - name: TOKEN_URL
      value: https://login.example.com/oauth2/token
    - name: SECRET_NAME
      value: api-credentials
    - name: DB_PASSWORD
      value: ""
    - name: REDIS_AUTH
      value: "false"
    - name: DATABASE_URL
      value: postgres://app:$(DB_PASSWORD)@db:5432/app
    - name: CACHE_KEY
      value: sessions
    - name: DB_PASSWORD
      valueFrom:
        secretKeyRef: {name: db, key: password}
`,
    },
  ],
  invalid: [
    {
      name: 'recognised formats are high, a name-only match medium, each at its value',
      yaml: leaky,
      findings: [
        {
          line: 12,
          column: 11,
          path: 'spec.template.spec.containers[0].env[0].value',
          techniques: ['MS-TA9027'],
          mitigations: ['MS-M9026'],
          severity: 'high',
          message:
            "env 'AWS_ACCESS_KEY_ID' of container 'api' holds a plain-text credential: AWS access key id AKIA…(20 chars)",
        },
        {
          line: 14,
          severity: 'medium',
          message: "env 'DB_PASSWORD' of container 'api' holds a plain-text credential: password (11 chars)",
        },
        {
          line: 19,
          path: 'spec.template.spec.initContainers[0].env[0].value',
          severity: 'high',
          message:
            "env 'REPO' of container 'clone' holds a plain-text credential: GitHub token ghp_…(40 chars); connection string with a password https://…(74 chars)",
        },
      ],
    },
    {
      name: 'placeholders are weak credentials too, and PGPASSWORD is a password',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: db}
spec:
  containers:
  - name: psql
    env: [{name: PGPASSWORD, value: changeme}]
`,
      findings: [{ line: 8, severity: 'medium', message: /'PGPASSWORD'.*password \(8 chars\)/ }],
    },
    {
      name: 'a JWT and a Slack token under innocent names',
      yaml: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: notify}
spec:
  schedule: "@hourly"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: notify
            env:
            - name: HEADER
              value: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJub3RpZnkifQ.c2lnbmF0dXJlLW5vdC1yZWFs"
            - name: HOOK
              value: xoxb-1234567890-abcdefghijkl
`,
      findings: [
        { line: 15, severity: 'high', message: /JWT eyJ…/ },
        { line: 17, severity: 'high', message: /Slack token xoxb-…/ },
      ],
    },
    {
      name: 'a hand-pasted private key with short dashes',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: deploy}
spec:
  containers:
  - name: deploy
    env:
    - name: user_name
      value: postgres
    - name: the_good_stuff
      value: |
        ---BEGIN OPENSSH PRIVATE KEY---
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmU
        ---END  OPENSSH PRIVATE KEY---
`,
      findings: [
        {
          line: 12,
          severity: 'high',
          message: /'the_good_stuff' .*: line 1: private key ---BEGIN OPENSSH PRIVATE KEY---…/,
        },
      ],
    },
  ],
});

describe('credentials-in-env output', () => {
  it('never contains a credential value', () => {
    const output = JSON.stringify(runCheck(check, leaky));
    for (const secret of [AWS_KEY_ID, GITHUB_TOKEN, DB_PASSWORD, GITHUB_TOKEN.slice(4)]) {
      expect(output).not.toContain(secret);
    }
  });
});
