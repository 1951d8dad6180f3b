import type { Inventory, Resource } from '../inventory/index.js';

/** The type of a Secret the token controller fills with a service account's token that never expires. */
export const TOKEN_SECRET_TYPE = 'kubernetes.io/service-account-token';
/** The annotation naming that account, which the API server requires of a Secret of that type. */
export const TOKEN_ACCOUNT_ANNOTATION = 'kubernetes.io/service-account.name';
/** Set by the cluster on a token Secret it has found unused and invalidated: the token no longer authenticates. */
export const TOKEN_INVALID_LABEL = 'kubernetes.io/legacy-token-invalid-since';

/**
 * Whether a Secret holds a service account's long-lived token. Its type says so; read from a cluster, Secrets are
 * listed as metadata only (src/inputs/cluster/collect.ts: no values, and no type either), and the account annotation
 * the API server requires of that type stands for it. A file's Secret without a type is `Opaque`, whatever it says.
 */
export function isTokenSecret(secret: Resource, inventory: Pick<Inventory, 'complete'>): boolean {
  const { type } = secret.object;
  if (type !== undefined) return type === TOKEN_SECRET_TYPE;
  return inventory.complete && secret.annotations[TOKEN_ACCOUNT_ANNOTATION] !== undefined;
}
