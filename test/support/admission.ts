import { parseAllDocuments } from 'yaml';
import type { AdmissionRequest } from '../../src/admission/types.js';
import { asRecord, buildInventory, type Inventory } from '../../src/inventory/index.js';

/** An inventory of these objects, as manifests give them. */
export function inventoryOf(...objects: readonly Record<string, unknown>[]): Inventory {
  return buildInventory(objects.map((object) => ({ object }))).inventory;
}

/** The same, as a live cluster gives them: everything of the kinds read, so an absent object does not exist. */
export function clusterOf(...objects: readonly Record<string, unknown>[]): Inventory {
  return buildInventory(
    objects.map((object) => ({ object })),
    { complete: true },
  ).inventory;
}

/** Every document of a YAML text that is an object. */
export function documents(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as unknown)
    .filter((value): value is Record<string, unknown> => value !== null && typeof value === 'object');
}

const RESOURCES: Readonly<Record<string, string>> = {
  Pod: 'pods',
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  ReplicaSet: 'replicasets',
  Job: 'jobs',
  CronJob: 'cronjobs',
  Namespace: 'namespaces',
  ConfigMap: 'configmaps',
};

/** The request to create (or update, from `oldObject`) this object in its namespace (`default` when it sets none). */
export function requestFor(
  object: Record<string, unknown>,
  options: { readonly namespace?: string | null; readonly oldObject?: Record<string, unknown> } = {},
): AdmissionRequest {
  const [group, version] = String(object.apiVersion ?? 'v1').includes('/')
    ? String(object.apiVersion).split('/')
    : ['', String(object.apiVersion ?? 'v1')];
  const kind = String(object.kind);
  const ownNamespace = asRecord(object.metadata).namespace;
  const namespace =
    options.namespace !== undefined
      ? options.namespace
      : kind === 'Namespace'
        ? null
        : typeof ownNamespace === 'string'
          ? ownNamespace
          : 'default';
  return {
    object,
    namespace,
    operation: options.oldObject ? 'UPDATE' : 'CREATE',
    kind: { group: group ?? '', version: version ?? 'v1', kind },
    resource: { group: group ?? '', version: version ?? 'v1', resource: RESOURCES[kind] ?? `${kind.toLowerCase()}s` },
    subResource: '',
    ...(options.oldObject ? { oldObject: options.oldObject } : {}),
  };
}
