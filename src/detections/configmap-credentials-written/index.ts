import { configMapCredentials } from '../../k8s/credentials.js';
import { worst } from '../../rbac/risky.js';
import { defineDetection } from '../define.js';
import { applied, describeTarget, writtenObject, wrote } from '../objects.js';

export default defineDetection({
  id: 'configmap-credentials-written',
  title: 'Credentials written into a ConfigMap',
  severity: 'high',
  techniques: ['MS-TA9027'],
  description:
    'A ConfigMap is created, replaced or patched with a credential in it: a recognised token format or a credential-like key, as a data entry or inside a configuration file it carries, or a `binaryData` entry named like key material. The alert names the keys, never the values.',
  rationale:
    'ConfigMaps are readable by far more subjects than Secrets and are not encrypted at rest: a password, cloud key or token written into one is there for anyone who can read ConfigMaps in the namespace to collect and reuse.',
  response:
    'Move the credential into a Secret or an external secret store, keep only a reference in the ConfigMap, and rotate the credential: it has been readable since the write. Find who wrote it, and who read the ConfigMap since.',
  fields: ['verb', 'objectRef.resource', 'requestObject.data', 'requestObject.binaryData', 'responseObject.data'],
  level: 'Request',
  benign:
    'Placeholders and sample values (`changeme`, `MY-KEY`) are reported too: deployed, they are weak credentials. Values that only point at a secret (file paths, `$(VAR)` references, URLs without a password) are not.',
  on: { verbs: ['create', 'update', 'patch'], resources: ['configmaps'] },
  detect(event, { alert }) {
    if (!applied(event)) return;
    const configMap = writtenObject(event, 'body');
    if (!configMap) return;
    const found = configMapCredentials(configMap);
    if (!found.length) return;
    alert({
      severity: worst(found.map((credential) => credential.severity)),
      message: `${describeTarget(event)} was ${wrote(event)} with credentials: ${found.map((credential) => credential.message.replace(/^ConfigMap /, '')).join('; ')}`,
    });
  },
});
