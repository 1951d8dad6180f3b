import { describe, expect, it } from 'vitest';
import { runCheck, testCheck } from '../tester.js';
import check from './index.js';

const DB_PASSWORD = 'Tr0ub4dor&3';
const AWS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const KEY_BODY = 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun';
const S3_KEY_ID = 'AKIAI44QH8DHBEXAMPLE';
const S3_SECRET = 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY';

/** s3fs's passwd file is `ACCESS_KEY_ID:SECRET_ACCESS_KEY`: the token stands where a key name would. */
const s3fs = `
apiVersion: v1
kind: ConfigMap
metadata: {name: s3fs}
data:
  passwd-s3fs: ${S3_KEY_ID}:${S3_SECRET}
`;

const leaky = `
apiVersion: v1
kind: ConfigMap
metadata: {name: api-config, namespace: shop}
data:
  LOG_LEVEL: info
  SMTP_PASSWORD: "${DB_PASSWORD}"
  application.properties: |
    server.port=8080
    spring.datasource.url=jdbc:postgresql://db:5432/shop
    spring.datasource.password=${DB_PASSWORD}
    aws.accessKeyId=${AWS_KEY_ID}
  signing.pem: |
    -----BEGIN PRIVATE KEY-----
    ${KEY_BODY}
    -----END PRIVATE KEY-----
binaryData:
  logo.png: iVBORw0KGgo=
  id_rsa: LS0tLS1CRUdJTg==
`;

testCheck(check, {
  valid: [
    {
      name: 'configuration that only points at credentials',
      yaml: `
apiVersion: v1
kind: ConfigMap
metadata: {name: api-config}
data:
  PASSWORD_FILE: /run/secrets/db/password
  TOKEN_ENDPOINT: https://login.example.com/oauth2/token
  SECRET_NAME: api-credentials
  AUTH_ENABLED: "true"
  redis.env: REDIS_PASSWORD=\${REDIS_PASSWORD}
  redis-empty.env: REDIS_PASSWORD=
  application.yaml: |
    spring:
      datasource:
        url: jdbc:postgresql://db:5432/shop
        password: \${DB_PASSWORD}
    auth:
      enabled: true
      token-url: https://login.example.com/token
  .env: |
    # the password comes from the mounted Secret
    DB_PASSWORD=
    DB_PASSWORD_PATH=/run/secrets/db
binaryData:
  logo.png: iVBORw0KGgo=
`,
    },
    {
      name: 'a Secret is not a ConfigMap',
      yaml: `
apiVersion: v1
kind: Secret
metadata: {name: db}
stringData:
  password: hunter2
`,
    },
  ],
  invalid: [
    {
      name: 'a credential key, credentials inside a properties file, a PEM block and a key file',
      yaml: leaky,
      findings: [
        {
          line: 7,
          path: 'data.SMTP_PASSWORD',
          techniques: ['MS-TA9027'],
          mitigations: ['MS-M9026'],
          severity: 'medium',
          message: "ConfigMap key 'SMTP_PASSWORD' holds a plain-text credential: password (11 chars)",
        },
        {
          line: 8,
          path: 'data["application.properties"]',
          severity: 'high',
          message:
            "ConfigMap key 'application.properties' holds a plain-text credential: 'spring.datasource.password', line 3: password (11 chars); 'aws.accessKeyId', line 4: AWS access key id AKIA…(20 chars)",
        },
        { line: 13, severity: 'high', message: /'signing.pem' .*private key -----BEGIN PRIVATE KEY-----…/ },
        {
          line: 19,
          path: 'binaryData.id_rsa',
          severity: 'medium',
          message: "ConfigMap binaryData key 'id_rsa' is named like a credential (key file)",
        },
      ],
    },
    {
      name: 'a token written where a key name goes is not printed as the key',
      yaml: s3fs,
      findings: [
        {
          line: 6,
          path: 'data.passwd-s3fs',
          severity: 'high',
          message: "ConfigMap key 'passwd-s3fs' holds a plain-text credential: AWS access key id AKIA…(20 chars)",
        },
      ],
    },
    {
      name: 'a connection string in a JSON file',
      yaml: `
apiVersion: v1
kind: ConfigMap
metadata: {name: worker}
data:
  settings.json: |
    {
      "queue": "amqp://worker:s3cr3t-pw@rabbitmq:5672/",
      "clientSecret": "abc123"
    }
`,
      findings: [
        {
          line: 6,
          severity: 'high',
          message:
            /'queue', line 2: connection string with a password amqp:\/\/…\(.*'clientSecret', line 3: secret \(6 chars\)/,
        },
      ],
    },
    {
      name: 'a one-line env file under an innocent key',
      yaml: `
apiVersion: v1
kind: ConfigMap
metadata: {name: redis}
data:
  config: REDIS_PASSWORD=abcd1234
  env: REDIS_HOST=redis
`,
      findings: [
        {
          line: 6,
          path: 'data.config',
          severity: 'medium',
          message: "ConfigMap key 'config' holds a plain-text credential: 'REDIS_PASSWORD': password (8 chars)",
        },
      ],
    },
    {
      name: 'cloud provider variables whose names do not end in a credential word',
      yaml: `
apiVersion: v1
kind: ConfigMap
metadata: {name: batch}
data:
  AZURE_BATCH_KEY: c2VjcmV0LWtleS12YWx1ZQ==
  OCI_CLI_KEY_CONTENT: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC
  AZURE_BATCH_ACCOUNT: shopbatch
`,
      findings: [
        { line: 6, path: 'data.AZURE_BATCH_KEY', message: /Azure Batch account key/ },
        { line: 7, path: 'data.OCI_CLI_KEY_CONTENT', message: /OCI API signing key/ },
      ],
    },
  ],
});

describe('credentials-in-configmap output', () => {
  it('never contains a credential value', () => {
    const output = JSON.stringify(runCheck(check, leaky));
    for (const secret of [DB_PASSWORD, AWS_KEY_ID, KEY_BODY]) expect(output).not.toContain(secret);
    const s3fsOutput = JSON.stringify(runCheck(check, s3fs));
    for (const secret of [S3_KEY_ID, S3_SECRET]) expect(s3fsOutput).not.toContain(secret);
  });
});
