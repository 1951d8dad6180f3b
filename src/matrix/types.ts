/** Identifiers follow the published matrix: techniques `MS-TA9xxx`, mitigations `MS-M9xxx` (optionally `.00n`). */
export type TechniqueId = `MS-TA${number}`;
export type MitigationId = `MS-M${number}` | `MS-M${number}.${string}`;

export type TacticKey =
  | 'InitialAccess'
  | 'Execution'
  | 'Persistence'
  | 'PrivilegeEscalation'
  | 'DefenseEvasion'
  | 'CredentialAccess'
  | 'Discovery'
  | 'LateralMovement'
  | 'Collection'
  | 'Impact';

export interface Tactic {
  readonly id: TacticKey;
  readonly name: string;
  /** MITRE ATT&CK tactic this column corresponds to. */
  readonly attack: string;
  /** In the order the published matrix lists them. */
  readonly techniques: readonly TechniqueId[];
}

/**
 * Where a technique shows (kubematrix reads all four: manifests, live clusters and their snapshots, RBAC, and audit
 * logs; detection texts say only what exists, never what might come):
 * - `manifest`: workload and object configuration, from files or a cluster alike;
 * - `cluster`: state only a live cluster or its snapshot shows (node, admission, API-server settings);
 * - `rbac`: effective permissions of subjects;
 * - `audit`: API-server audit events;
 * - `question`: nothing Kubernetes records shows it; the organization has to answer.
 */
export type Signal = 'manifest' | 'cluster' | 'rbac' | 'audit' | 'question';

export interface MitigationAdvice {
  readonly id: MitigationId;
  /** One line: what to do against this particular technique. */
  readonly action: string;
}

export interface Technique {
  readonly id: TechniqueId;
  readonly name: string;
  readonly tactics: readonly TacticKey[];
  /** MITRE ATT&CK technique IDs. */
  readonly attack: readonly string[];
  /** Two to four sentences: the attack in Kubernetes terms. */
  readonly summary: string;
  readonly detection: {
    readonly signals: readonly Signal[];
    /** How an organization sees this technique, and what kubematrix assesses. */
    readonly text: string;
    /** Set when part of the technique is invisible to Kubernetes data: what to ask the organization. */
    readonly question?: string;
  };
  readonly mitigations: readonly MitigationAdvice[];
}

export interface Mitigation {
  readonly id: MitigationId;
  readonly name: string;
  /** MITRE ATT&CK mitigation IDs. */
  readonly attack: readonly string[];
  /** The techniques this mitigation lists, as published (not always the mirror of Technique.mitigations). */
  readonly techniques: readonly TechniqueId[];
  /** A short what-to-do. */
  readonly summary: string;
}
