import { profileOf, securityField, unprivilegedContainers } from '../../k8s/hardening.js';
import { defineCheck } from '../define.js';
import { fillIn } from '../fixes.js';

export default defineCheck({
  id: 'seccomp-profile',
  title: 'No seccomp profile',
  severity: 'low',
  exposes: [],
  missing: ['MS-M9011'],
  description:
    'A container runs with seccomp `Unconfined`, or sets no seccomp profile (field or legacy annotation) on itself or its pod.',
  rationale:
    "Seccomp limits the system calls a container may make; without it every syscall of the kernel is reachable, which is the surface most container-escape exploits go through. Kubernetes' default is Unconfined unless the kubelet runs with `--seccomp-default`.",
  remediation:
    'Set `securityContext.seccompProfile.type: RuntimeDefault` in the pod spec (or `Localhost` with a tailored profile).',
  fixable: {
    breaks:
      "a process that makes a system call the runtime's default profile blocks (mount, unshare, keyctl, ptrace, …) gets EPERM",
  },
  run({ inventory, report }) {
    for (const { pod, container } of unprivilegedContainers(inventory)) {
      const name = container.spec.name;
      const profile = profileOf(pod, container, 'seccomp');
      if (profile?.type === 'Unconfined') {
        report({
          resource: pod.owner,
          path: profile.path,
          severity: 'medium',
          message: `container '${name}' runs without seccomp: ${profile.source}`,
        });
      } else if (!profile) {
        const path = securityField(container, 'seccompProfile');
        const fix = fillIn(pod.owner.object, path, { type: 'RuntimeDefault' });
        report({
          resource: pod.owner,
          path,
          ...(fix ? { fix: [fix] } : {}),
          message: `container '${name}' sets no seccomp profile: it runs Unconfined unless the kubelet defaults to RuntimeDefault`,
        });
      }
    }
  },
});
