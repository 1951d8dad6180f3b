import type { AuditEvent } from '../inputs/audit/event.js';
import type { TechniqueId } from '../matrix/types.js';
import type { Severity } from '../model/report.js';

/** What a detection hands over for one event; the pipeline adds the event's user, time, object and source. */
export interface AlertDraft {
  /** One sentence in our words; never a value from the request or response body (name the key, not its value). */
  readonly message: string;
  /** Defaults to the detection's severity. */
  readonly severity?: Severity;
  /** Defaults to all the detection's techniques; must be a subset of them. */
  readonly techniques?: readonly TechniqueId[];
}

/** Settings every detection may read, from `.kubematrix.yaml`'s `audit` section and the command line. */
export interface DetectionSettings {
  /**
   * Source addresses of known proxies and Tor exit nodes (`--proxy-list FILE`: addresses and CIDR blocks); empty when
   * none was given. A plain `Set` of addresses will do in tests.
   */
  readonly proxyAddresses: AddressMatcher;
}

/** Whether an address (as an event's `sourceIPs` write it) is listed; `AddressSet` (src/k8s/ip.ts) matches blocks too. */
export interface AddressMatcher {
  has(address: string): boolean;
  readonly size: number;
}

export interface DetectionContext<State> {
  readonly settings: DetectionSettings;
  /** This detection's own state for the whole run (a rule that counts over time), from `initialState`. */
  readonly state: State;
  /**
   * Whether the event's identity is on the allow-list. Only rules marked `everyone` ever see such events: a pod a
   * controller creates is still privileged, but where it lands may weigh differently when a controller put it there.
   */
  readonly allowed: boolean;
  alert(draft: AlertDraft): void;
}

/**
 * Which events a detection wants, so that the pipeline hands each event only to the rules that can match it
 * (a million events a second pass through here). Absent lists match everything. The pipeline enforces it: a filter
 * narrower than the rule's own checks would hide alerts, so declare here only what `detect` requires anyway. Being
 * facts of the event's first fields, they also say which events any rule can want before the event is read in full.
 */
export interface EventFilter {
  /** API verbs: `create`, `patch`, `get`, … */
  readonly verbs?: readonly string[];
  /** `resource` or `resource/subresource` as in `objectRef`, without the group: `pods`, `pods/exec`, `daemonsets`. */
  readonly resources?: readonly string[];
  /**
   * Whose events: user names (`*` globs on `user.username`) and groups (`user.groups`); an event whose user matches
   * neither is not handed over. For rules that read any verb and resource but only some identities' requests.
   */
  readonly users?: { readonly names?: readonly string[]; readonly groups?: readonly string[] };
  /** Response codes (`responseStatus.code`): an event without one of them is not handed over. */
  readonly codes?: readonly number[];
  /** Whether the rule can alert at all with these settings (one that needs a list nobody gave); always by default. */
  readonly enabled?: (settings: DetectionSettings) => boolean;
}

export interface Detection<State = undefined> {
  /** Stable, kebab-case: alert `rule`, docs anchor, allow-list key. */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly techniques: readonly TechniqueId[];
  /** One sentence: what the rule finds in the audit log. */
  readonly description: string;
  /** Why it matters: what the attacker is doing. */
  readonly rationale: string;
  /** What to do when it fires: how to confirm and respond. */
  readonly response: string;
  /** The audit fields the rule keys on (`objectRef.subresource`, `requestObject.spec.containers[].securityContext`). */
  readonly fields: readonly string[];
  /** The audit level the rule needs at least, for `deploy/audit-policy.yaml` and the docs. */
  readonly level: 'Metadata' | 'Request' | 'RequestResponse';
  /** Known benign cases that fire it, and how to quiet them. */
  readonly benign: string;
  /** Set when the rule only makes sense against a baseline of normal activity: what that baseline is. */
  readonly baseline?: string;
  /**
   * Set when the rule also applies to allow-listed identities (system controllers, nodes): anonymous access, traffic
   * from a listed proxy. Most rules skip them, as controllers legitimately create pods, read secrets, …
   */
  readonly everyone?: true;
  readonly on: EventFilter;
  /** A fresh state for one run; rules without one get `undefined`. */
  initialState?(): State;
  detect(event: AuditEvent, context: DetectionContext<State>): void;
}

/** A detection of any state type, as registries and the pipeline hold them. */
// biome-ignore lint/suspicious/noExplicitAny: each detection's state is its own; the pipeline only hands it back.
export type AnyDetection = Detection<any>;

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Declares a detection. Metadata is written once here and drives docs, the audit policy and the reports. */
export function defineDetection<State = undefined>(detection: Detection<State>): Detection<State> {
  if (!ID.test(detection.id)) throw new Error(`detection id '${detection.id}' must be kebab-case`);
  if (detection.techniques.length === 0) throw new Error(`detection '${detection.id}' must name a technique`);
  return detection;
}
