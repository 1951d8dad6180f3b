import * as z from 'zod';
import { Evidence, ResourceRef, Severity, SourceLocation, TechniqueIdSchema } from './basics.js';

/**
 * The attack graph and the paths through it, as `kubematrix paths --output json` prints them and the scan report
 * carries them (docs/paths.md). Nodes and edges are built from the inventory, the findings and the RBAC model.
 */

export const GraphNodeKind = z.enum([
  /** A workload and its pods (one node per pod template; a bare Pod is its own workload). */
  'workload',
  /** A ServiceAccount, user or group: what its credentials let one do. */
  'identity',
  /** A host: a named node from a cluster, or "any node" the scheduler may pick for manifests. */
  'node',
  /**
   * What a permission lets one do in a namespace, shared by every identity holding it: `run-pods` is running a pod of
   * one's own choosing there (any service account of the namespace, privileged where admission allows), `exec` is
   * running commands in its existing pods.
   */
  'permission',
  /** A crown jewel: cluster-admin equivalent, every secret, a node's root, the control plane, the cloud account. */
  'target',
]);
export type GraphNodeKind = z.infer<typeof GraphNodeKind>;

export const GraphNode = z.object({
  /**
   * Stable across runs for the same input, readable: `workload:shop/Deployment/web`, `identity:sa:shop/web`,
   * `identity:user:alice`, `identity:group:ops`, `node:worker-1` (`node:*`: any node, for manifests),
   * `permission:shop/run-pods`, `permission:shop/exec`, `target:cluster-admin`, `target:all-secrets`, `target:node-root`,
   * `target:control-plane`, `target:cloud`, and configured targets `target:secret:shop/db`, `target:namespace:pay`.
   * A manifest naming no namespace is in the one it is applied to (`-n`, `default`): `workload:default/Deployment/web`.
   */
  id: z.string(),
  kind: GraphNodeKind,
  /** In our words: `Deployment shop/web`, `ServiceAccount shop/web`, `any node`, `cluster-admin equivalent`. */
  label: z.string(),
  /**
   * Set on entry points, where paths start: how the attacker gets there. `internet`: a workload reachable from
   * outside (LoadBalancer, NodePort, Ingress, Gateway route, hostPort); `assume-breach`: any other workload (its code
   * compromised); `subject`: a user or group with bindings (its credentials stolen or misused).
   */
  entry: z.enum(['internet', 'assume-breach', 'subject']).optional(),
  /**
   * For a target reached elsewhere than at itself, the nodes where it is: root on any host for `target:node-root`,
   * the hosts running the control plane for `target:control-plane`. A path to the target ends at one of them.
   */
  members: z.array(z.string()).optional(),
  resource: ResourceRef.optional(),
  location: SourceLocation.optional(),
  uri: z.string().optional(),
});
export type GraphNode = z.infer<typeof GraphNode>;

export const GraphEdge = z.object({
  from: z.string(),
  to: z.string(),
  /** The matrix techniques the step uses, and the ATT&CK techniques they map to. */
  techniques: z.array(TechniqueIdSchema).min(1),
  attack: z.array(z.string()),
  /** In our words: `escapes to the node through a privileged container`. */
  text: z.string(),
  /** How bad the step's enabling condition is: the severity of the finding (or permission) behind it. */
  severity: Severity,
  /** Ids of the findings the step rests on (fix one and the edge goes), when a finding says it. */
  findings: z.array(z.string()),
  /** What the step rests on: the binding and rule, the field, the Service. */
  evidence: z.array(Evidence),
});
export type GraphEdge = z.infer<typeof GraphEdge>;

export const PathStep = GraphEdge.pick({ from: true, to: true, techniques: true, text: true, evidence: true }).extend({
  severity: Severity,
  findings: z.array(z.string()),
});
export type PathStep = z.infer<typeof PathStep>;

export const AttackPath = z.object({
  from: z.string(),
  /** The target (or the node `--to` asked for); the last step ends at it or at one of its `members`. */
  to: z.string(),
  /**
   * Other entry points of the same kind that reach `to` the same way: their first step has the same techniques and
   * ends at the same node as this one's, and the rest of the path is this one's. Absent when there are none.
   */
  alsoFrom: z.array(z.string()).optional(),
  steps: z.array(PathStep).min(1),
  /** The weakest link: the least severe step, which bounds how likely the whole chain is. Paths rank by length, then this. */
  severity: Severity,
});
export type AttackPath = z.infer<typeof AttackPath>;

/** A fix that cuts paths: a finding to resolve or a binding to remove, and how many of the paths it removes. */
export const ChokePoint = z.object({
  kind: z.enum(['finding', 'binding']),
  /** A finding id, or the binding's `Kind namespace/name`. */
  id: z.string(),
  label: z.string(),
  /**
   * Paths this fix removes, counted after the choke points ranked before it (greedy set cover). A path stands for
   * each of its entry points (`from` and `alsoFrom`): the count is of entry point → target pairs.
   */
  removes: z.number().int().positive(),
  resource: ResourceRef.optional(),
  location: SourceLocation.optional(),
  uri: z.string().optional(),
});
export type ChokePoint = z.infer<typeof ChokePoint>;

export const AttackPaths = z.object({
  nodes: z.array(GraphNode),
  edges: z.array(GraphEdge),
  paths: z.array(AttackPath),
  chokePoints: z.array(ChokePoint),
});
export type AttackPaths = z.infer<typeof AttackPaths>;
