import type { FieldPath } from '../inputs/path.js';
import type { Resource } from '../inventory/index.js';

/** Pod Security admission as a Namespace's labels configure it. */

export const PSA_MODES = ['enforce', 'audit', 'warn'] as const;
export type PsaMode = (typeof PSA_MODES)[number];
export const PSA_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export type PsaLevel = (typeof PSA_LEVELS)[number];

/** Namespaces Kubernetes creates itself; the control plane's own privileged pods run in kube-system. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export interface PsaSetting {
  readonly mode: PsaMode;
  /** The level, when the label holds one the API server accepts. */
  readonly level?: PsaLevel;
  /** Where the level label is. */
  readonly path: FieldPath;
  /** The `-version` label as written (`latest`, `v1.30`), with its path; absent means `latest`. */
  readonly version?: {
    readonly value: string;
    readonly path: FieldPath;
    readonly minor?: number;
    readonly valid: boolean;
  };
}

export const psaLabel = (mode: PsaMode) => `pod-security.kubernetes.io/${mode}`;
export const labelPath = (label: string): FieldPath => ['metadata', 'labels', label];

/** The modes a Namespace sets, each with its level and version as the API server would read them. */
export function podSecurityOf(namespace: Resource): PsaSetting[] {
  const settings: PsaSetting[] = [];
  for (const mode of PSA_MODES) {
    const label = psaLabel(mode);
    const level = namespace.labels[label];
    if (level === undefined) continue;
    const version = namespace.labels[`${label}-version`];
    const minor = version === undefined ? undefined : /^v1\.(\d+)$/.exec(version)?.[1];
    settings.push({
      mode,
      ...((PSA_LEVELS as readonly string[]).includes(level) ? { level: level as PsaLevel } : {}),
      path: labelPath(label),
      ...(version !== undefined
        ? {
            version: {
              value: version,
              path: labelPath(`${label}-version`),
              ...(minor !== undefined ? { minor: Number(minor) } : {}),
              valid: version === 'latest' || minor !== undefined,
            },
          }
        : {}),
    });
  }
  return settings;
}
