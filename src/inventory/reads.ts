import { type Inventory, POD_SPEC_PATHS } from './index.js';

/**
 * Which kinds a piece of code read from an inventory. A check that read a kind the input could not list (a live
 * cluster denied it) saw an empty list, not an empty cluster: it must not count as having assessed its techniques.
 * Recording what each check actually reads keeps that honest without a hand-written list per check that could drift.
 */
export interface ReadLog {
  /** A view of the inventory that records every kind asked for. */
  readonly inventory: Inventory;
  /** Kinds read so far, including those read on this view's behalf by {@link derived} structures. */
  kinds(): Set<string>;
}

const BASE = Symbol('base inventory');
const LOG = Symbol('read log');

interface View extends Inventory {
  readonly [BASE]: Inventory;
  readonly [LOG]: Log;
}

interface Log {
  readonly own: Set<string>;
  /** Logs of derived structures this view used: they may keep reading lazily after the check asked for them. */
  readonly shared: Set<Log>;
}

/** Every kind; `resources` reads them all. */
const ALL = '*';
const POD_SPEC_KINDS = Object.keys(POD_SPEC_PATHS);

export function logReads(inventory: Inventory): ReadLog {
  const base = baseOf(inventory);
  const log: Log = { own: new Set(), shared: new Set() };
  const view: View = {
    [BASE]: base,
    [LOG]: log,
    complete: base.complete,
    unreadable: base.unreadable,
    get resources() {
      log.own.add(ALL);
      return base.resources;
    },
    get podSpecs() {
      for (const kind of POD_SPEC_KINDS) log.own.add(kind);
      return base.podSpecs;
    },
    get kubeletConfigs() {
      // KubeletConfiguration objects, and kubeadm's kube-system ConfigMap holding one.
      log.own.add('KubeletConfiguration');
      log.own.add('ConfigMap');
      return base.kubeletConfigs;
    },
    ofKind(kind) {
      log.own.add(kind);
      return base.ofKind(kind);
    },
    inNamespace(kind, namespace) {
      log.own.add(kind);
      return base.inNamespace(kind, namespace);
    },
    find(kind, namespace, name, near) {
      log.own.add(kind);
      return base.find(kind, namespace, name, near);
    },
  };
  return {
    inventory: view,
    kinds: () => collect(log, new Set(), new Set()),
  };
}

function collect(log: Log, kinds: Set<string>, seen: Set<Log>): Set<string> {
  if (seen.has(log)) return kinds;
  seen.add(log);
  for (const kind of log.own) kinds.add(kind);
  for (const shared of log.shared) collect(shared, kinds, seen);
  return kinds;
}

/** Of the kinds read, those the inventory could not list; `resources` counts as reading every kind. */
export function unreadableKinds(inventory: Inventory, kinds: ReadonlySet<string>): string[] {
  return [...inventory.unreadable.keys()].filter((kind) => kinds.has(kind) || kinds.has(ALL));
}

const cache = new WeakMap<Inventory, Map<unknown, { value: unknown; log: Log }>>();

/**
 * A structure built once per inventory from it (the RBAC model, the risk index) and shared by every check that asks.
 * Whoever asks is charged with the kinds the structure reads, as if it had read them itself.
 */
export function derived<T>(inventory: Inventory, build: (inventory: Inventory) => T): T {
  const base = baseOf(inventory);
  let entries = cache.get(base);
  if (!entries) {
    entries = new Map();
    cache.set(base, entries);
  }
  let entry = entries.get(build);
  if (!entry) {
    const view = logReads(base).inventory as View;
    entry = { value: build(view), log: view[LOG] };
    entries.set(build, entry);
  }
  if (LOG in inventory) (inventory as View)[LOG].shared.add(entry.log);
  return entry.value as T;
}

function baseOf(inventory: Inventory): Inventory {
  return BASE in inventory ? (inventory as View)[BASE] : inventory;
}
