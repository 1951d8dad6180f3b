import type { Inventory, Resource } from '../inventory/index.js';

/** The type of a Secret the token controller fills with a service account's token that never expires. */
const TOKEN_SECRET_TYPE = 'kubernetes.io/service-account-token';
/** The annotation naming that account, which the API server requires of a Secret of that type. */
export const TOKEN_ACCOUNT_ANNOTATION = 'kubernetes.io/service-account.name';
/** Set by the cluster on a token Secret it has found unused and invalidated: the token no longer authenticates. */
const TOKEN_INVALID_LABEL = 'kubernetes.io/legacy-token-invalid-since';

/**
 * The service account a Secret holds a long-lived token of, one that still authenticates; undefined for any other
 * Secret. Its type says it is a token Secret; read from a cluster, Secrets are listed as metadata only
 * (src/inputs/cluster/collect.ts: no values, and no type either), and the account annotation the API server requires
 * of that type stands for it. A file's Secret without a type is `Opaque`, whatever it says. Without an account the
 * API server refuses the Secret; one the cluster has invalidated no longer authenticates.
 */
export function tokenAccount(secret: Resource, inventory: Pick<Inventory, 'complete'>): string | undefined {
  const account = secret.annotations[TOKEN_ACCOUNT_ANNOTATION];
  if (!account || secret.labels[TOKEN_INVALID_LABEL] !== undefined) return undefined;
  const { type } = secret.object;
  return (type === undefined ? inventory.complete : type === TOKEN_SECRET_TYPE) ? account : undefined;
}
