import * as z from 'zod';
import { parseCidr } from '../k8s/ip.js';

/**
 * The parts of the Kubernetes pod API that checks read. Loose objects: unknown fields pass through untouched,
 * but a field of the wrong type (`containers: "x"`) is a located input error instead of a crash in a check.
 * Fields the API server requires but security does not depend on (a container's name, a port number) may be
 * missing: half-written manifests still deserve an assessment.
 */

/** Shown where a manifest leaves a required name out. */
export const UNNAMED = '(unnamed)';

export const Capabilities = z.looseObject({
  add: z.array(z.string()).optional(),
  drop: z.array(z.string()).optional(),
});

const SeccompProfile = z.looseObject({ type: z.string(), localhostProfile: z.string().optional() });
const AppArmorProfile = z.looseObject({ type: z.string(), localhostProfile: z.string().optional() });

const securityContextShape = {
  privileged: z.boolean().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  runAsNonRoot: z.boolean().optional(),
  runAsUser: z.number().int().optional(),
  runAsGroup: z.number().int().optional(),
  procMount: z.string().optional(),
  capabilities: Capabilities.optional(),
  seccompProfile: SeccompProfile.optional(),
  appArmorProfile: AppArmorProfile.optional(),
  windowsOptions: z.looseObject({ hostProcess: z.boolean().optional() }).optional(),
};
export const SecurityContext = z.looseObject(securityContextShape);
/** The securityContext fields kubematrix reads, without the pass-through index signature. */
export type SecurityContext = z.infer<z.ZodObject<typeof securityContextShape>>;

export const PodSecurityContext = z.looseObject({
  runAsNonRoot: z.boolean().optional(),
  runAsUser: z.number().int().optional(),
  runAsGroup: z.number().int().optional(),
  supplementalGroups: z.array(z.number().int()).optional(),
  fsGroup: z.number().int().optional(),
  seccompProfile: SeccompProfile.optional(),
  appArmorProfile: AppArmorProfile.optional(),
  windowsOptions: z.looseObject({ hostProcess: z.boolean().optional() }).optional(),
  sysctls: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).optional(),
});
export type PodSecurityContext = z.infer<typeof PodSecurityContext>;

const EnvVar = z.looseObject({
  name: z.string().default(UNNAMED),
  value: z.string().optional(),
  valueFrom: z
    .looseObject({
      secretKeyRef: z.looseObject({ name: z.string().optional(), key: z.string() }).optional(),
      configMapKeyRef: z.looseObject({ name: z.string().optional(), key: z.string() }).optional(),
    })
    .optional(),
});

const ContainerPort = z.looseObject({
  containerPort: z.number().int().optional(),
  hostPort: z.number().int().optional(),
  protocol: z.string().optional(),
  name: z.string().optional(),
});

const Quantity = z.union([z.string(), z.number()]);
const ResourceRequirements = z.looseObject({
  limits: z.record(z.string(), Quantity).optional(),
  requests: z.record(z.string(), Quantity).optional(),
});

export const Container = z.looseObject({
  name: z.string().default(UNNAMED),
  image: z.string().optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  ports: z.array(ContainerPort).optional(),
  env: z.array(EnvVar).optional(),
  resources: ResourceRequirements.optional(),
  securityContext: SecurityContext.optional(),
  volumeMounts: z
    .array(
      z.looseObject({
        name: z.string().default(UNNAMED),
        mountPath: z.string().default(''),
        readOnly: z.boolean().optional(),
        recursiveReadOnly: z.string().optional(),
        subPath: z.string().optional(),
      }),
    )
    .optional(),
});
export type Container = z.infer<typeof Container>;

export const Volume = z.looseObject({
  name: z.string().default(UNNAMED),
  hostPath: z.looseObject({ path: z.string(), type: z.string().optional() }).optional(),
});
export type Volume = z.infer<typeof Volume>;

export const PodSpec = z.looseObject({
  containers: z.array(Container).default([]),
  initContainers: z.array(Container).optional(),
  ephemeralContainers: z.array(Container).optional(),
  volumes: z.array(Volume).optional(),
  hostNetwork: z.boolean().optional(),
  hostPID: z.boolean().optional(),
  hostIPC: z.boolean().optional(),
  serviceAccountName: z.string().optional(),
  serviceAccount: z.string().optional(),
  automountServiceAccountToken: z.boolean().optional(),
  securityContext: PodSecurityContext.optional(),
  nodeName: z.string().optional(),
  os: z.looseObject({ name: z.string().optional() }).optional(),
});
export type PodSpec = z.infer<typeof PodSpec>;

/** A LabelSelector. YAML may give a label value as a number or boolean; selectors compare it as the string it means. */
export const LabelSelector = z.looseObject({
  matchLabels: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  matchExpressions: z
    .array(
      z.looseObject({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
      }),
    )
    .optional(),
});

const Cidr = z
  .string()
  .refine((text) => parseCidr(text) !== undefined, { error: 'expected a CIDR such as 10.0.0.0/8' });

const NetworkPolicyPeer = z.looseObject({
  podSelector: LabelSelector.optional(),
  namespaceSelector: LabelSelector.optional(),
  ipBlock: z.looseObject({ cidr: Cidr, except: z.array(Cidr).optional() }).optional(),
});

const NetworkPolicyPort = z.looseObject({
  protocol: z.string().optional(),
  port: z.union([z.number().int(), z.string()]).optional(),
  endPort: z.number().int().optional(),
});

/** The parts of a NetworkPolicy's spec that decide whom it selects and what it lets through. */
export const NetworkPolicySpec = z.looseObject({
  podSelector: LabelSelector.optional(),
  policyTypes: z.array(z.enum(['Ingress', 'Egress'])).optional(),
  ingress: z
    .array(z.looseObject({ from: z.array(NetworkPolicyPeer).optional(), ports: z.array(NetworkPolicyPort).optional() }))
    .optional(),
  egress: z
    .array(z.looseObject({ to: z.array(NetworkPolicyPeer).optional(), ports: z.array(NetworkPolicyPort).optional() }))
    .optional(),
});
export type NetworkPolicySpec = z.infer<typeof NetworkPolicySpec>;
export type NetworkPolicyPeer = z.infer<typeof NetworkPolicyPeer>;
export type NetworkPolicyPort = z.infer<typeof NetworkPolicyPort>;
