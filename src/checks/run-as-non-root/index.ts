import { hardenableContainers, securityField } from '../../k8s/hardening.js';
import { defineCheck } from '../define.js';
import { fillIn } from '../fixes.js';

export default defineCheck({
  id: 'run-as-non-root',
  title: 'Container may run as root',
  severity: 'low',
  exposes: [],
  missing: ['MS-M9013'],
  description:
    'Neither `runAsNonRoot: true` nor a non-zero `runAsUser` applies to a container (on it or its pod), so the image decides, or `runAsUser: 0` makes it root.',
  rationale:
    'Root in a container is root on the node as far as the kernel is concerned: it owns files on every writable host mount, and any escape (a runtime or kernel bug, a mounted socket) lands as root on the node.',
  remediation:
    'Set `runAsNonRoot: true` in the pod securityContext and a non-zero `runAsUser` (the image should have a USER that is not root).',
  fixable: {
    breaks:
      'the kubelet refuses to start the container if its image runs as root (USER 0 or no USER): give the image a non-root USER, or set runAsUser',
  },
  run({ inventory, report }) {
    for (const { pod, container } of hardenableContainers(inventory)) {
      const name = container.spec.name;
      // The kubelet refuses to start a container as root when runAsNonRoot is true: that guarantees it.
      if (container.security('runAsNonRoot')?.value === true) continue;
      const user = container.security('runAsUser');
      if (user?.value === 0) {
        const where =
          container.spec.securityContext?.runAsUser === undefined ? 'the pod securityContext' : 'its securityContext';
        report({
          resource: pod.owner,
          path: securityField(container, 'runAsUser'),
          severity: 'medium',
          message: `container '${name}' runs as root: ${where} sets runAsUser: 0`,
        });
      } else if (!user) {
        const path = securityField(container, 'runAsNonRoot');
        // `runAsNonRoot: false` written on the pod is a decision: not overridden in each container.
        const fix = container.security('runAsNonRoot') ? undefined : fillIn(pod.owner.object, path, true);
        report({
          resource: pod.owner,
          path,
          ...(fix ? { fix: [fix] } : {}),
          message: `container '${name}' may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set, so the image's USER decides`,
        });
      }
    }
  },
});
