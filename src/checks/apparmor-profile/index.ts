import { profileOf, unprivilegedContainers } from '../../k8s/hardening.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'apparmor-profile',
  title: 'AppArmor unconfined',
  severity: 'medium',
  exposes: [],
  missing: ['MS-M9011'],
  description:
    'A container turns AppArmor off: `appArmorProfile.type: Unconfined` on it or its pod, or the annotation `container.apparmor.security.beta.kubernetes.io/<container>: unconfined`.',
  rationale:
    "On nodes with AppArmor the runtime's default profile blocks mounts, writes to /proc and /sys and other steps of known container escapes; Unconfined removes that layer.",
  remediation:
    'Remove the Unconfined setting so the runtime default applies, or set `appArmorProfile.type: Localhost` with a profile made for the workload.',
  run({ inventory, report }) {
    for (const { pod, container } of unprivilegedContainers(inventory)) {
      const profile = profileOf(pod, container, 'apparmor');
      // Absent means the runtime default profile: nothing to report.
      if (profile?.type !== 'Unconfined') continue;
      report({
        resource: pod.owner,
        path: profile.path,
        message: `container '${container.spec.name}' runs without AppArmor: ${profile.source}`,
      });
    }
  },
});
