import { componentsOf, enabledAdmissionPlugins, flagList } from '../../k8s/components.js';
import { defineCheck } from '../define.js';

const PLUGIN = 'NodeRestriction';

export default defineCheck({
  id: 'apiserver-node-restriction',
  title: 'API server: NodeRestriction admission plugin off',
  severity: 'medium',
  exposes: [],
  missing: ['MS-M9027'],
  controlPlane: true,
  description:
    'A kube-apiserver does not list `NodeRestriction` in `--enable-admission-plugins` (it is not on by default), or disables it with `--disable-admission-plugins`.',
  rationale:
    'Without NodeRestriction a kubelet credential may label or taint any Node and change any pod bound to other nodes: an attacker who takes over one node (a privileged pod, a stolen kubelet certificate) steers workloads, and their secrets, onto it from the whole cluster.',
  remediation: 'Add `NodeRestriction` to `--enable-admission-plugins`, with `Node` in `--authorization-mode`.',
  run({ inventory, report }) {
    for (const { pod, flags, missingAt } of componentsOf(inventory, 'kube-apiserver')) {
      const disabled = flags.get('disable-admission-plugins');
      if (flagList(disabled).includes(PLUGIN)) {
        report({
          resource: pod.owner,
          path: disabled?.path,
          message:
            '`--disable-admission-plugins` turns NodeRestriction off: a kubelet credential may modify other nodes and their pods',
        });
        continue;
      }
      const enabled = enabledAdmissionPlugins(flags);
      if (flagList(enabled).includes(PLUGIN)) continue;
      report({
        resource: pod.owner,
        path: enabled?.path ?? missingAt,
        message: `${enabled ? 'the admission plugins enabled' : 'no `--enable-admission-plugins` is set, and the default plugins'} do not include NodeRestriction: a kubelet credential may modify other nodes and their pods`,
      });
    }
  },
});
