/** Test support for the admission engines: manifests through the real parser and inventory, and requests for them. */
import { parseManifest } from '../../inputs/manifests.js';
import { asRecord, buildInventory, type Inventory, type Resource } from '../../inventory/index.js';
import { admissionRequest } from '../index.js';
import type { AdmissionRequest } from '../types.js';

export function inventoryOf(yaml: string, file = 'test.yaml'): Inventory {
  const parsed = parseManifest(file, Buffer.from(yaml));
  if (parsed.errors.length) throw new Error(`test manifest does not parse: ${JSON.stringify(parsed.errors)}`);
  return buildInventory(parsed.objects).inventory;
}

/** A CREATE of the object, in its own namespace or the one given. */
export function requestFor(
  object: Readonly<Record<string, unknown>>,
  namespace: string | null = null,
  subResource = '',
): AdmissionRequest {
  const own = asRecord(object.metadata).namespace;
  return admissionRequest(object, namespace ?? (typeof own === 'string' ? own : null), { subResource });
}

export function requestOf(resource: Resource, namespace?: string): AdmissionRequest {
  return requestFor(resource.object, namespace ?? resource.ref.namespace);
}
