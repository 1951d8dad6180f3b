import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-pull-secrets',
  title: 'RBAC: read image pull secrets',
  description:
    "A subject may read a secret that holds registry credentials: one a pod's or ServiceAccount's `imagePullSecrets` names, or of type `kubernetes.io/dockerconfigjson` in the input.",
  rationale:
    'Registry credentials pull every private image of the organization (and its embedded secrets) and, when they can push, let an attacker replace images the cluster runs.',
  remediation:
    'Do not grant read access to pull secrets: the kubelet uses them without anyone reading them through the API. Use read-only registry credentials scoped to the images each namespace needs.',
});
