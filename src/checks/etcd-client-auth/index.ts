import { componentsOf, flagList, isLoopbackHost } from '../../k8s/components.js';
import { defineCheck } from '../define.js';

/** etcd's default when `--listen-client-urls` is not set. */
const DEFAULT_CLIENT_URLS = ['http://localhost:2379'];

/** The listen URLs beyond the node's loopback address; a URL that does not parse counts as beyond. */
function remoteUrls(urls: readonly string[]): string[] {
  return urls.filter((url) => {
    try {
      return !isLoopbackHost(new URL(url).hostname);
    } catch {
      return true;
    }
  });
}

export default defineCheck({
  id: 'etcd-client-auth',
  title: 'etcd: clients without certificates',
  severity: 'high',
  exposes: ['MS-TA9025'],
  missing: ['MS-M9024'],
  controlPlane: true,
  description:
    'An etcd (static-pod manifest or mirror pod) does not require client certificates (`--client-cert-auth=true` with a `--trusted-ca-file`), or serves clients over plain HTTP beyond localhost.',
  rationale:
    'etcd holds every object of the cluster, Secrets included, and applies no RBAC: any client it accepts reads and writes all of it. Only client certificates signed by the cluster’s etcd CA keep that to the API server.',
  remediation:
    'Run etcd as kubeadm does: `--client-cert-auth=true`, `--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt`, and `--listen-client-urls` on https only, at 127.0.0.1 and the node address the API servers use; firewall port 2379 to the control plane.',
  run({ inventory, report }) {
    for (const { pod, flags, missingAt } of componentsOf(inventory, 'etcd')) {
      const listen = flags.get('listen-client-urls');
      const urls = listen ? flagList(listen) : DEFAULT_CLIENT_URLS;
      const remote = remoteUrls(urls);
      const plain = remote.filter((url) => url.toLowerCase().startsWith('http://'));
      if (plain.length) {
        report({
          resource: pod.owner,
          path: listen?.path ?? missingAt,
          severity: 'critical',
          message: `etcd serves clients over plain HTTP beyond localhost (${plain.join(', ')}): no TLS, so no client certificate, and anyone who reaches it reads every Secret`,
        });
      }
      const reach = remote.length
        ? 'it listens beyond localhost, so anyone who reaches port 2379'
        : 'any process on the node';
      const certAuth = flags.get('client-cert-auth');
      if (certAuth?.value.toLowerCase() !== 'true') {
        report({
          resource: pod.owner,
          path: certAuth?.path ?? missingAt,
          severity: remote.length ? 'high' : 'medium',
          message: `etcd does not require client certificates (\`--client-cert-auth\` is not true): ${reach} reads and writes every object, Secrets included`,
        });
      } else if (!flags.get('trusted-ca-file')?.value) {
        report({
          resource: pod.owner,
          path: certAuth.path,
          severity: 'medium',
          message:
            'etcd requires client certificates but no `--trusted-ca-file` names the CA that must sign them: it falls back to the system trust store, so a certificate from any public CA is accepted',
        });
      }
    }
  },
});
