import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-exec',
  title: 'RBAC: exec into containers',
  description:
    'A subject may exec into or attach to containers (`pods/exec`, `pods/attach`: `get` is enough over websockets) or add ephemeral containers (`pods/ephemeralcontainers`).',
  rationale:
    "A shell in a running container is its files, its secrets, its network position and its service-account token: every pod the subject can reach lends it that pod's identity.",
  remediation:
    'Keep `pods/exec`, `pods/attach` and `pods/ephemeralcontainers` out of roles of workloads and everyday users; grant them for break-glass debugging only, in the namespace concerned, and audit their use.',
});
