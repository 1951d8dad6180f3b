import { parseAllDocuments } from 'yaml';
import { admissionRequest } from '../../src/admission/index.js';
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

/** The request to create (or update, from `oldObject`) this object in its namespace (`default` when it sets none). */
export function requestFor(
  object: Record<string, unknown>,
  options: { readonly namespace?: string | null; readonly oldObject?: Record<string, unknown> } = {},
): AdmissionRequest {
  const ownNamespace = asRecord(object.metadata).namespace;
  const namespace =
    options.namespace !== undefined
      ? options.namespace
      : object.kind === 'Namespace'
        ? null
        : typeof ownNamespace === 'string'
          ? ownNamespace
          : 'default';
  const { oldObject } = options;
  return admissionRequest(object, namespace, oldObject ? { operation: 'UPDATE', oldObject } : {});
}
