import { describe, expect, it } from 'vitest';
import { runCheck, testCheck } from '../tester.js';
import check from './index.js';

const AWS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const GITHUB_TOKEN = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
const DB_PASSWORD = 'Tr0ub4dor&3';
const BEARER = 'sk_0123456789abcdefABCDEF0123456';

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
    {
      name: 'names that only contain a credential word: locations, limits, settings and references',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: auth}
spec:
  containers:
  - name: auth
    env:
    - {name: TOKEN_FILE, value: /var/run/secrets/tokens/vault-token}
    - {name: PASSWORD_MIN_LENGTH, value: "8"}
    - {name: TOKEN_REFRESH_SECONDS, value: "300"}
    - {name: SECRET_ROTATION_INTERVAL, value: 720h}
    - {name: apiKeyHeader, value: X-Api-Key}
    - {name: TOKEN_ENDPOINT, value: https://sts.example.com/token}
    - {name: SECRETS_STORE_ENABLED, value: "true"}
    - {name: PASSWORD_HASH_ROUNDS, value: 12s}
    - {name: OAUTH_TOKEN_AUDIENCE, value: vault}
    - {name: SESSION_SECRET_PATH, value: ./secrets/session}
    - {name: TOKEN_FROM, value: $(SA_TOKEN)}
    - {name: AUTH_SCHEME, value: Bearer}
    - {name: HELP, value: use bearer authentication}
    - {name: FORWARD, value: Bearer $(TOKEN)}
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
    {
      name: 'a literal bearer token, any case, whatever the name',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: probe}
spec:
  containers:
  - name: probe
    env:
    - name: AUTH_HEADER
      value: Bearer ${BEARER}
    - name: curl_args
      value: '-H "authorization: bEaReR ${BEARER}"'
`,
      findings: [
        {
          line: 10,
          techniques: ['MS-TA9027'],
          severity: 'high',
          message:
            "env 'AUTH_HEADER' of container 'probe' holds a plain-text credential: bearer token Bearer…(39 chars)",
        },
        {
          line: 12,
          techniques: ['MS-TA9027'],
          severity: 'high',
          message: /'curl_args'.*bearer token bEaReR…\(39 chars\)$/,
        },
      ],
    },
    {
      name: 'a credential word anywhere in the name, any case, with a literal value',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: shop}
spec:
  containers:
  - name: shop
    env:
    - {name: DB_PASSWORD_PROD, value: "${DB_PASSWORD}"}
    - {name: SECRET_KEY_BASE, value: 9f3c2a7d41b8e6c0}
    - {name: stripe_api_key_live, value: sk-live-abc}
    - {name: GithubTokenReadonly, value: abcdef}
    - {name: PIN_PASSWORD, value: "4711"}
`,
      findings: [
        {
          line: 9,
          techniques: ['MS-TA9027'],
          severity: 'medium',
          message: /'DB_PASSWORD_PROD'.*: password \(11 chars\)$/,
        },
        { line: 10, severity: 'medium', message: /'SECRET_KEY_BASE'.*: secret \(16 chars\)$/ },
        { line: 11, severity: 'medium', message: /'stripe_api_key_live'.*: API key \(11 chars\)$/ },
        { line: 12, severity: 'medium', message: /'GithubTokenReadonly'.*: token \(6 chars\)$/ },
        // A number is a setting only under names whose credential word is not last.
        { line: 13, severity: 'medium', message: /'PIN_PASSWORD'.*: password \(4 chars\)$/ },
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
