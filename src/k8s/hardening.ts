import type { FieldPath } from '../inputs/path.js';
import type { ContainerView, Inventory, PodSpecView, SecurityContext } from '../inventory/index.js';
import { privileged } from './identity.js';

/**
 * Every container that per-container hardening (securityContext, resource limits) applies to. Ephemeral containers
 * are left out: they are attached by hand for debugging, are not part of the manifest a team maintains, and often
 * need the access.
 */
export function* hardenableContainers(inventory: Inventory): Generator<{ pod: PodSpecView; container: ContainerView }> {
  for (const pod of inventory.podSpecs) {
    for (const container of pod.containers) if (container.group !== 'ephemeralContainers') yield { pod, container };
  }
}

/**
 * The hardenable containers that are not privileged. The runtime runs a privileged container with every capability,
 * no seccomp or AppArmor profile and privilege escalation allowed, whatever its securityContext says (the API even
 * rejects `allowPrivilegeEscalation: false` beside it): reporting each of those settings again would only repeat
 * what privileged-container already reports.
 */
export function* unprivilegedContainers(
  inventory: Inventory,
): Generator<{ pod: PodSpecView; container: ContainerView }> {
  for (const entry of hardenableContainers(inventory)) if (!privileged(entry.container)) yield entry;
}

/**
 * Where a setting belongs in the container's own securityContext. Pod-level settings are reported there too: one
 * finding per container, each fixable (or suppressible) on its own, and the container field overrides the pod's.
 */
export function securityField(container: ContainerView, field: keyof SecurityContext): FieldPath {
  return [...container.path, 'securityContext', field];
}

export interface Profile {
  /** As the API names it: `Unconfined`, `RuntimeDefault`, `Localhost`. */
  readonly type: string;
  /** Where it was set, for messages. */
  readonly source: string;
  readonly path: FieldPath;
}

const PROFILES = {
  seccomp: {
    field: 'seccompProfile',
    containerAnnotation: 'container.seccomp.security.alpha.kubernetes.io/',
    podAnnotation: 'seccomp.security.alpha.kubernetes.io/pod',
  },
  apparmor: {
    field: 'appArmorProfile',
    containerAnnotation: 'container.apparmor.security.beta.kubernetes.io/',
    podAnnotation: undefined,
  },
} as const;

/**
 * The seccomp or AppArmor profile the kubelet applies to a container, with its precedence: the container's field,
 * the container's legacy annotation, the pod's field, the pod's legacy annotation. Undefined when none is set.
 */
export function profileOf(pod: PodSpecView, container: ContainerView, lsm: keyof typeof PROFILES): Profile | undefined {
  const { field, containerAnnotation, podAnnotation } = PROFILES[lsm];
  const path = securityField(container, field);
  const own = container.spec.securityContext?.[field];
  if (own) return { type: own.type, source: `securityContext.${field}.type: ${own.type}`, path };
  const annotation = containerAnnotation + container.spec.name;
  const annotated = pod.podAnnotations[annotation];
  if (annotated !== undefined) {
    // The template's metadata sits next to its spec: `metadata` of a Pod, `spec.template.metadata` of a Deployment.
    const annotationPath = [...pod.path.slice(0, -1), 'metadata', 'annotations', annotation];
    return { type: annotationType(annotated), source: `annotation ${annotation}: ${annotated}`, path: annotationPath };
  }
  const inherited = pod.spec.securityContext?.[field];
  if (inherited) return { type: inherited.type, source: `pod securityContext.${field}.type: ${inherited.type}`, path };
  const podAnnotated = podAnnotation && pod.podAnnotations[podAnnotation];
  if (podAnnotated)
    return { type: annotationType(podAnnotated), source: `annotation ${podAnnotation}: ${podAnnotated}`, path };
  return undefined;
}

/** Legacy annotation values: `unconfined`, `runtime/default`, `docker/default`, `localhost/<profile>`. */
function annotationType(value: string): string {
  if (value === 'unconfined') return 'Unconfined';
  return value.startsWith('localhost/') ? 'Localhost' : 'RuntimeDefault';
}
