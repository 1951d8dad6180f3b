import { SYSTEM_NAMESPACES } from '../../inventory/pods.js';
import { defineDetection } from '../define.js';
import { applied } from '../objects.js';
import { objectName } from '../request.js';

export default defineDetection({
  id: 'serviceaccount-in-system-namespace',
  title: 'ServiceAccount created in a system namespace',
  severity: 'medium',
  techniques: ['MS-TA9016'],
  description:
    'A ServiceAccount is created in kube-system, kube-public or kube-node-lease by an identity that is not allow-listed.',
  rationale:
    "An account among the cluster's own components draws no attention: an attacker creates one there, binds it to a powerful role and mints tokens for it, a way back in that survives the loss of the first foothold.",
  response:
    'Check who created it, what is bound to it (`kubematrix rbac subject sa/kube-system/NAME`) and whether tokens were requested for it; delete it with its bindings if nobody vouches for it.',
  fields: ['user.username', 'objectRef.resource', 'objectRef.namespace', 'objectRef.name', 'responseStatus.code'],
  level: 'Metadata',
  benign:
    'Installing add-ons into kube-system (CSI drivers, cloud controllers, CNI, ingress) by hand, with Helm or a GitOps tool; allow-list the installing identity. The control plane creating its own accounts is allow-listed by default.',
  on: { verbs: ['create'], resources: ['serviceaccounts'] },
  detect(event, ctx) {
    const namespace = event.objectRef?.namespace ?? '';
    if (!SYSTEM_NAMESPACES.has(namespace) || !applied(event)) return;
    ctx.alert({
      message: `${event.user.username ?? 'unknown user'} created ServiceAccount ${objectName(event)} in system namespace ${namespace}.`,
    });
  },
});
