/** Test support for the admission engines: manifests through the real parser and inventory, and requests for them. */
import { parseManifest } from '../../inputs/manifests.js';
import { buildInventory, type Inventory, type Resource } from '../../inventory/index.js';
import type { AdmissionRequest } from '../types.js';

export function inventoryOf(yaml: string, file = 'test.yaml'): Inventory {
  const parsed = parseManifest(file, Buffer.from(yaml));
  if (parsed.errors.length) throw new Error(`test manifest does not parse: ${JSON.stringify(parsed.errors)}`);
  return buildInventory(parsed.objects).inventory;
}

const RESOURCES: Readonly<Record<string, string>> = {
  Pod: 'pods',
  Deployment: 'deployments',
  DaemonSet: 'daemonsets',
  StatefulSet: 'statefulsets',
  ReplicaSet: 'replicasets',
  ReplicationController: 'replicationcontrollers',
  Job: 'jobs',
  CronJob: 'cronjobs',
};

/** A CREATE of the object, in its own namespace or the one given. */
export function requestFor(
  object: Readonly<Record<string, unknown>>,
  namespace: string | null = null,
  subResource = '',
): AdmissionRequest {
  const apiVersion = String(object.apiVersion ?? 'v1');
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const kind = String(object.kind);
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  return {
    object,
    namespace: namespace ?? (typeof metadata.namespace === 'string' ? metadata.namespace : null),
    operation: 'CREATE',
    kind: { group: group ?? '', version: version ?? 'v1', kind },
    resource: { group: group ?? '', version: version ?? 'v1', resource: RESOURCES[kind] ?? `${kind.toLowerCase()}s` },
    subResource,
  };
}

export function requestOf(resource: Resource, namespace?: string): AdmissionRequest {
  return requestFor(resource.object, namespace ?? resource.ref.namespace);
}
