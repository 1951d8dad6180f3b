import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'kubelet-api-access',
  title: 'Kubelet API open without credentials or authorization',
  severity: 'high',
  exposes: ['MS-TA9030'],
  missing: ['MS-M9009'],
  description:
    'A kubelet configuration (a KubeletConfiguration file, or the kube-system ConfigMap kubeadm keeps it in) sets a nonzero `readOnlyPort`, `authentication.anonymous.enabled: true` or `authorization.mode: AlwaysAllow`. Absent fields take the config file defaults: port 0, anonymous off, Webhook.',
  rationale:
    "The read-only port serves the node's pod specs, environment values included, with no authentication at all. With anonymous authentication the kubelet API on 10250 answers requests without credentials, and with AlwaysAllow it lets every caller it authenticates list pods and exec into containers, calls the API server never sees.",
  remediation:
    'Set `readOnlyPort: 0`, `authentication.anonymous.enabled: false` with `authentication.webhook.enabled: true`, and `authorization.mode: Webhook`; scrape metrics from the authenticated port.',
  run({ inventory, report }) {
    for (const kubelet of inventory.kubeletConfigs) {
      const { owner, config } = kubelet;
      const anonymous = config.authentication?.anonymous?.enabled === true;
      const alwaysAllow = config.authorization?.mode === 'AlwaysAllow';
      if (config.readOnlyPort !== undefined && config.readOnlyPort !== 0) {
        report({
          resource: owner,
          path: kubelet.at(['readOnlyPort']),
          message: `${kubelet.describe(['readOnlyPort'])} is ${config.readOnlyPort}: the kubelet serves its pods' specs, environment values included, on that port without authentication`,
        });
      }
      if (anonymous) {
        const field = ['authentication', 'anonymous', 'enabled'];
        report({
          resource: owner,
          path: kubelet.at(field),
          // Webhook authorization still asks the API server about system:anonymous, which RBAC rarely grants.
          severity: alwaysAllow ? 'critical' : 'medium',
          message: `${kubelet.describe(field)} is true: the kubelet API accepts requests without credentials${alwaysAllow ? ', and AlwaysAllow lets them list pods and exec into containers' : ', as system:anonymous'}`,
        });
      }
      if (alwaysAllow) {
        const field = ['authorization', 'mode'];
        report({
          resource: owner,
          path: kubelet.at(field),
          message: `${kubelet.describe(field)} is AlwaysAllow: every client the kubelet authenticates may list its pods and exec into their containers, without RBAC`,
        });
      }
    }
  },
});
