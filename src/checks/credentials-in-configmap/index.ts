import { configMapCredentials } from '../../k8s/credentials.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'credentials-in-configmap',
  title: 'Credentials in a ConfigMap',
  severity: 'high',
  exposes: ['MS-TA9027'],
  missing: ['MS-M9026'],
  description:
    'A ConfigMap holds a credential: a recognised token format or a credential-like key, as a data entry or inside a configuration file it carries (properties, .env, YAML, JSON), or a `binaryData` entry named like key material.',
  rationale:
    'ConfigMaps are meant for non-secret data: far more subjects may read them than Secrets, they are not encrypted at rest, and they are printed by `kubectl describe`. A credential in one is readable by anyone who can list ConfigMaps in the namespace or read the repository.',
  remediation:
    'Move the credential into a Secret (or an external secret store) mounted as a file, keep only a reference to it in the ConfigMap (a path or a placeholder the application resolves at start-up), and rotate the credential, since it has been exposed.',
  run({ inventory, report }) {
    for (const configMap of inventory.ofKind('ConfigMap')) {
      for (const { path, severity, message } of configMapCredentials(configMap.object)) {
        report({ resource: configMap, path, severity, message });
      }
    }
  },
});
