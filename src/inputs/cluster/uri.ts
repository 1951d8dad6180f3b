/** `k8s://<context>/<namespace>/<kind>/<name>`, each segment URI-encoded (EKS contexts hold slashes). */
export function objectUri(context: string, object: Readonly<Record<string, unknown>>): string {
  const metadata = (object.metadata ?? {}) as { namespace?: unknown; name?: unknown };
  const segment = (value: unknown) => encodeURIComponent(typeof value === 'string' ? value : '');
  return `k8s://${segment(context)}/${segment(metadata.namespace)}/${segment(object.kind)}/${segment(metadata.name)}`;
}
