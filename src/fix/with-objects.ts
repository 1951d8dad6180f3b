import { asRecord, buildInventory, type Inventory } from '../inventory/index.js';

/**
 * The input's objects, each in the namespace it lives in, with these added: the cluster after a fix creates them,
 * for a generator to evaluate its own proposal (which routes a NetworkPolicy cuts) before proposing it.
 */
export function withObjects(inventory: Inventory, objects: readonly Readonly<Record<string, unknown>>[]): Inventory {
  const placed = inventory.resources.map((resource) => ({
    object:
      resource.ref.namespace === null
        ? resource.object
        : {
            ...resource.object,
            metadata: { ...asRecord(resource.object.metadata), namespace: resource.ref.namespace },
          },
  }));
  return buildInventory([...placed, ...objects.map((object) => ({ object }))], { complete: inventory.complete })
    .inventory;
}
