import { credentialSeverity, describeCredentials, findCredentials } from '../../k8s/credentials.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'credentials-in-env',
  title: 'Credentials in environment variables',
  severity: 'high',
  exposes: ['MS-TA9027'],
  missing: ['MS-M9026'],
  description:
    'A container sets an environment variable to a literal credential: a recognised token format (AWS key, private key, JWT, GitHub, GitLab or Slack token, bearer token, connection string with a password), or a value under a credential-like name: one whose last word is a credential word (`DB_PASSWORD`, `API_KEY`), or that contains SECRET, TOKEN, PASSWORD or API_KEY elsewhere (`SECRET_KEY_BASE`, `GITHUB_TOKEN_PROD`), in any case. Not reported: empty values, references (`$(VAR)` and shell-style variables, file paths, URLs without a password, `valueFrom`), booleans and on/off settings; and, for names where the credential word is not last, names ending in a word that locates or describes it (`_FILE`, `_PATH`, `_URL`, `_ENDPOINT`, `_NAME`, `_LENGTH`, `_TTL`, …) and small numbers or durations (`8`, `300`, `24h`).',
  rationale:
    'Literal `env` values are part of the workload object: anyone who can read Deployments or Pods, or the Git repository the manifests live in, reads the credential without ever touching a Secret, and it lands in every copy and backup of the manifest.',
  remediation:
    'Move the value into a Secret (or an external secret store) and reference it with `valueFrom.secretKeyRef` or, better, mount it as a file; then rotate the credential, since it has been exposed.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      for (const container of pod.containers) {
        container.spec.env?.forEach((variable, index) => {
          if (variable.value === undefined) return;
          const credentials = findCredentials(variable.name, variable.value);
          if (!credentials.length) return;
          report({
            resource: pod.owner,
            path: [...container.path, 'env', index, 'value'],
            severity: credentialSeverity(credentials),
            message: `env '${variable.name}' of container '${container.spec.name}' holds a plain-text credential: ${describeCredentials(credentials)}`,
          });
        });
      }
    }
  },
});
