import { SYSTEM_NAMESPACES } from '../../inventory/pods.js';
import { type Severity, severities, severityRank } from '../../model/basics.js';
import { defineDetection } from '../define.js';
import { applied, describeTarget } from '../objects.js';

/** What deleting one object of a kind destroys, at its least. */
const SINGLE: Readonly<Record<string, Severity>> = {
  namespaces: 'high',
  persistentvolumes: 'high',
  persistentvolumeclaims: 'medium',
  deployments: 'low',
  statefulsets: 'medium',
  daemonsets: 'low',
  replicasets: 'low',
  replicationcontrollers: 'low',
  jobs: 'low',
  cronjobs: 'low',
  secrets: 'low',
  configmaps: 'low',
  // Only the built-in ones (`system:` names): without them the control plane and nodes stop working.
  clusterroles: 'high',
  clusterrolebindings: 'high',
};

/** Namespaces whose deletion takes the cluster, or what runs by default, down. */
const VITAL_NAMESPACES: ReadonlySet<string> = new Set([...SYSTEM_NAMESPACES, 'default']);

function raise(severity: Severity): Severity {
  return severities[Math.max(severityRank(severity) - 1, 0)] ?? severity;
}

export default defineDetection({
  id: 'destructive-delete',
  title: 'Destructive delete',
  severity: 'high',
  techniques: ['MS-TA9038'],
  description:
    'Namespaces, workload controllers, persistent volumes and claims, Secrets, ConfigMaps or built-in (`system:`) cluster roles and bindings are deleted, or pods and any of these deleted in bulk (`deletecollection`). Severity by breadth: a bulk delete across all namespaces is critical, a namespace or a bulk delete in one is high, a single workload, Secret or ConfigMap low; one step higher in system namespaces and for deleting the `default` namespace itself.',
  rationale:
    "Deleting namespaces, volumes and workloads destroys data and stops services, and bulk deletes do it at scale: ransom, sabotage, or cover for other activity. Deleting the built-in roles breaks the control plane's own access.",
  response:
    'Confirm with the user that the delete was intended; if not, revoke their access, restore from backups (etcd snapshot, Velero, volume snapshots; a PersistentVolume with `Retain` keeps its data) and look for what else the identity did.',
  fields: ['verb', 'objectRef.resource', 'objectRef.namespace', 'objectRef.name', 'responseStatus.code'],
  level: 'Metadata',
  benign:
    'Tearing down preview environments and namespaces, Helm uninstalls, CI clean-up jobs and operators garbage-collecting what they own. Single deletes of workloads, Secrets and ConfigMaps are low on purpose; allow-list clean-up automation in `audit.allow.users`.',
  on: { verbs: ['delete', 'deletecollection'], resources: [...Object.keys(SINGLE), 'pods'] },
  detect(event, { alert }) {
    if (!applied(event)) return;
    const resource = event.objectRef?.resource ?? '';
    const namespace = event.objectRef?.namespace;
    const name = event.objectRef?.name ?? '';
    const bulk = event.verb === 'deletecollection';
    if (!bulk && resource === 'pods') return;
    if (!bulk && (resource === 'clusterroles' || resource === 'clusterrolebindings') && !name.startsWith('system:'))
      return;
    let severity: Severity = bulk ? (namespace ? 'high' : 'critical') : (SINGLE[resource] ?? 'low');
    const vital = resource === 'namespaces' ? VITAL_NAMESPACES.has(name) : SYSTEM_NAMESPACES.has(namespace ?? '');
    if (vital) severity = raise(severity);
    const what = bulk
      ? `every ${resource} ${namespace ? `in namespace ${namespace}` : 'in all namespaces'} (matching the request)`
      : describeTarget(event);
    alert({
      severity,
      message: `${what} ${bulk ? 'were' : 'was'} deleted${vital ? `: ${resource === 'namespaces' ? 'the cluster depends on it' : `namespace ${namespace} is one the cluster depends on`}` : ''}`,
    });
  },
});
