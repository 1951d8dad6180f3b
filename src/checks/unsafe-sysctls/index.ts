import { defineCheck } from '../define.js';

/** The sysctls Kubernetes considers namespaced and isolated per pod: the kubelet's safe set and the baseline Pod Security Standard's allowed list. */
const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  // Since Kubernetes 1.32.
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

export default defineCheck({
  id: 'unsafe-sysctls',
  title: 'Unsafe sysctl',
  severity: 'medium',
  exposes: [],
  missing: ['MS-M9017'],
  description: "A pod sets a sysctl in `securityContext.sysctls` outside Kubernetes' safe set.",
  rationale:
    'Sysctls outside the safe set are not isolated per pod or can exhaust node resources: setting them changes kernel behaviour for other pods on the node, or the whole node.',
  remediation:
    'Remove the sysctl, or, where it is truly needed, run the workload on dedicated nodes whose kubelet allows it (`--allowed-unsafe-sysctls`) and enforce the baseline Pod Security Standard elsewhere.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      // Sysctls exist only at pod level, where they apply to every container: one finding per entry.
      pod.spec.securityContext?.sysctls?.forEach((sysctl, index) => {
        // The kubelet accepts `/` as separator as well as `.`.
        if (SAFE_SYSCTLS.has(sysctl.name.replaceAll('/', '.'))) return;
        report({
          resource: pod.owner,
          path: [...pod.path, 'securityContext', 'sysctls', index, 'name'],
          message: `sysctl '${sysctl.name}' is outside the safe set: it is not isolated to the pod and can affect the whole node`,
        });
      });
    }
  },
});
