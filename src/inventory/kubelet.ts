import * as z from 'zod';
import { issueMessage } from '../inputs/errors.js';
import { type FieldPath, formatPath } from '../inputs/path.js';
import { parseEmbedded } from '../inputs/yaml.js';
import type { ScanError } from '../model/report.js';
import type { Resource } from './index.js';
import { locatedError } from './located.js';

/**
 * The KubeletConfiguration fields kubematrix reads (kubelet.config.k8s.io/v1beta1). Absent fields take the config
 * file API's defaults, which are safe: the v1beta1 reference (kubernetes/website, content/en/docs/reference/
 * command-line-tools-reference/kubelet-config.v1beta1.md) gives `readOnlyPort` "Default: 0 (disabled)",
 * `authentication` "anonymous: enabled: false", "webhook: enabled: true" and `authorization` "mode: Webhook".
 * The kubelet's deprecated command-line flags default the other way (`--read-only-port` 10255,
 * `--anonymous-auth` true, `--authorization-mode` AlwaysAllow), but flags on a node are not in the input.
 */
export const KubeletConfiguration = z.looseObject({
  readOnlyPort: z.number().int().optional(),
  staticPodURL: z.string().optional(),
  authentication: z
    .looseObject({
      anonymous: z.looseObject({ enabled: z.boolean().optional() }).optional(),
      webhook: z.looseObject({ enabled: z.boolean().optional() }).optional(),
    })
    .optional(),
  authorization: z.looseObject({ mode: z.string().optional() }).optional(),
});
export type KubeletConfiguration = z.infer<typeof KubeletConfiguration>;

export interface KubeletConfigView {
  /** The KubeletConfiguration object itself, or the ConfigMap carrying it. */
  readonly owner: Resource;
  readonly config: KubeletConfiguration;
  /**
   * The owner's path of `field`: in a ConfigMap it continues into the embedded file (`data.kubelet.readOnlyPort`),
   * and locates at the data key, as positions inside the embedded text are not tracked.
   */
  at(field: FieldPath): FieldPath;
  /** `readOnlyPort`, or `readOnlyPort in data.kubelet`: how messages name a field. */
  describe(field: FieldPath): string;
}

/** kubeadm's ConfigMap: `kubelet-config` since 1.24, `kubelet-config-1.xx` before, with the file under `kubelet`. */
const KUBEADM_CONFIGMAP = /^kubelet-config(?:-\d+\.\d+)?$/;
const KUBEADM_KEY = 'kubelet';

/**
 * The kubelet configuration a resource holds, if any: a KubeletConfiguration object, or kubeadm's kube-system
 * ConfigMap. A broken one is a located error, never an exception, so the rest of the scan goes on.
 */
export function kubeletConfigOf(resource: Resource): { view?: KubeletConfigView; error?: ScanError } {
  const { kind, namespace, name } = resource.ref;
  if (kind === 'KubeletConfiguration') return fromObject(resource, resource.object, [], false);
  if (kind !== 'ConfigMap' || namespace !== 'kube-system' || !KUBEADM_CONFIGMAP.test(name)) return {};
  const data = resource.object.data;
  const text = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[KUBEADM_KEY] : undefined;
  // Non-string data values are the inventory's ConfigMap error already.
  if (typeof text !== 'string') return {};
  const key: FieldPath = ['data', KUBEADM_KEY];
  const parsed = parseEmbedded(text);
  if ('error' in parsed)
    return { error: locatedError(resource, key, `${parsed.error}; the kubelet configuration was not checked`) };
  return fromObject(resource, parsed.value, key, true);
}

function fromObject(
  owner: Resource,
  value: unknown,
  base: FieldPath,
  embedded: boolean,
): { view?: KubeletConfigView; error?: ScanError } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { error: locatedError(owner, base, 'is not a KubeletConfiguration mapping; it was not checked') };
  }
  const parsed = KubeletConfiguration.safeParse(value, { error: issueMessage });
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const field = (issue?.path ?? []) as (string | number)[];
    const where = embedded ? base : field;
    return {
      error: locatedError(
        owner,
        where,
        `${embedded ? `${formatPath(field)} in the embedded file` : formatPath(field)}: ${issue?.message ?? 'invalid value'}; the kubelet configuration was not checked`,
      ),
    };
  }
  return {
    view: {
      owner,
      config: parsed.data,
      at: (field) => [...base, ...field],
      describe: (field) => (embedded ? `${formatPath(field)} in ${formatPath(base)}` : formatPath(field)),
    },
  };
}
