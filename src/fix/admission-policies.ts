import { kyverno } from '../admission/engines/kyverno.js';
import { validatingAdmissionPolicyEngine } from '../admission/engines/vap.js';
import { admit } from '../admission/index.js';
import type { Control } from '../admission/probes.js';
import { simulate } from '../admission/simulate.js';
import type { AdmissionEngine } from '../admission/types.js';
import { allowedPrefix } from '../checks/image-registry/index.js';
import { allChecks } from '../checks/index.js';
import { buildInventory, type Inventory, type Resource } from '../inventory/index.js';
import { RUNTIME_SOCKETS, SOCKET_NAMES } from '../k8s/host-paths.js';
import { imageName, parseImage } from '../k8s/images.js';
import { ESCAPE_CAPABILITY_NAMES } from '../k8s/node-exposure.js';
import { SYSTEM_NAMESPACES } from '../k8s/pod-security.js';
import type { MitigationId, TechniqueId } from '../matrix/types.js';
import { nameTable } from '../util/lookup.js';
import { compareText, formatCount } from '../util/text.js';
import { GENERATED_LABELS, listText, manifestText } from './text.js';
import type { FixContext, FixFile, FixGenerator } from './types.js';

/**
 * Admission policies for each exposure class the scan found: a ValidatingAdmissionPolicy and its binding
 * (admissionregistration.k8s.io/v1, Kubernetes ≥ 1.30), and the same rule as a Kyverno ClusterPolicy when the input
 * runs Kyverno. Each policy matches Pods (the ephemeralcontainers subresource included) and every pod-template
 * workload, and reads every container list, so that none of admission-gap's probes gets around it; a workload is
 * refused when it is created, not when its controller fails to create pods. The workloads that need the setting today
 * are exempted by namespace and name, so that the policy can enforce from the first day; each file lists them.
 * Where so many need it that the list would not fit in one API object, whole namespaces are exempted instead.
 */

type Json = Record<string, unknown>;

/** What `kubematrix fix --mode` asks of the policies. */
const ACTIONS = { warn: ['Warn', 'Audit'], enforce: ['Deny'] } as const;

/** The resources a policy matches: Pods, `kubectl debug`'s subresource, and what creates pods from a template. */
const RESOURCE_RULES = [
  { apiGroups: [''], resources: ['pods', 'pods/ephemeralcontainers', 'replicationcontrollers'] },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'] },
].map((rule) => ({ ...rule, apiVersions: ['*'], operations: ['CREATE', 'UPDATE'] }));

const KYVERNO_KINDS = [
  'Pod',
  'Pod/ephemeralcontainers',
  'ReplicationController',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
];

/** The workload kinds a policy matches, as its header names them. */
const MATCHED =
  'Pods (ephemeral containers included) and Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs and ReplicationControllers';

const SYSTEM = [...SYSTEM_NAMESPACES].sort();

/** The pod spec of whichever kind is admitted, and every container of it. */
const POD_VARIABLES = [
  {
    name: 'podSpec',
    expression:
      "object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec",
  },
  {
    name: 'containers',
    expression:
      'variables.podSpec.containers + variables.podSpec.?initContainers.orValue([]) + variables.podSpec.?ephemeralContainers.orValue([])',
  },
];

interface Validation {
  readonly expression: string;
  readonly message: string;
}

interface ExposureClass {
  /** The policy's name suffix and the file's. */
  readonly id: string;
  /** `privileged containers`. */
  readonly title: string;
  /** The admission probes of src/admission/probes.ts that test it; none for a class without probes. */
  readonly control?: Control;
  /** Checks whose findings show the exposure in the scan. */
  readonly checks: readonly string[];
  readonly mitigation: MitigationId;
  readonly variables?: readonly { readonly name: string; readonly expression: string }[];
  readonly validations: readonly Validation[];
}

/**
 * `[a, b]` as a CEL list of strings. Quotes and backslashes escaped: the API server refuses them in names, but a
 * manifest may hold anything, and a name must not become CEL in the policy.
 */
const celList = (items: readonly string[]) =>
  `[${items.map((item) => `'${item.replace(/[\\']/g, '\\$&')}'`).join(', ')}]`;

/** A literal for an RE2 pattern: dots as `[.]`, so that the CEL string needs no escapes. */
const literal = (text: string) => text.replaceAll('.', '[.]');

/** Directories a runtime socket lives below, `/` and `/var` included: mounting one hands over the socket. */
function socketDirectories(): string[] {
  const directories = new Set<string>();
  for (const socket of RUNTIME_SOCKETS) {
    const segments = socket.split('/').filter(Boolean);
    for (let length = 1; length < segments.length; length++) directories.add(segments.slice(0, length).join('/+'));
  }
  return [...directories].sort();
}

/** A hostPath that walks up (`..`) can name any directory: no policy can tell where it lands. */
const WALKS_UP = '(^|/)[.][.](/|$)';

const hostPathsAll = (test: string) => `variables.podSpec.?volumes.orValue([]).all(v, !has(v.hostPath) || ${test})`;

function exposureClasses(registries: readonly string[]): ExposureClass[] {
  const sockets = [...SOCKET_NAMES].filter((name): name is string => !!name).map(literal);
  return [
    {
      id: 'privileged',
      title: 'privileged containers',
      control: 'privileged',
      checks: ['privileged-container'],
      mitigation: 'MS-M9013',
      validations: [
        {
          expression: 'variables.containers.all(c, c.?securityContext.?privileged.orValue(false) != true)',
          message: 'privileged containers are not allowed: they can take over the node',
        },
      ],
    },
    {
      id: 'escape-capabilities',
      title: 'capabilities that escape to the node',
      control: 'capabilities',
      checks: ['escape-capabilities'],
      mitigation: 'MS-M9013',
      variables: [
        {
          name: 'escapeCapabilities',
          expression: `variables.podSpec.?hostPID.orValue(false) ? ${celList([...ESCAPE_CAPABILITY_NAMES, 'SYS_PTRACE'])} : ${celList(ESCAPE_CAPABILITY_NAMES)}`,
        },
      ],
      validations: [
        {
          // The runtime adds the CAP_ prefix and upper-cases names: `cap_sys_admin` is SYS_ADMIN.
          expression:
            "variables.containers.all(c, c.?securityContext.?capabilities.?add.orValue([]).all(a, !(a.upperAscii().replace('CAP_', '') in variables.escapeCapabilities)))",
          message: `adding ${listText([...ESCAPE_CAPABILITY_NAMES])} (or SYS_PTRACE with hostPID) is not allowed: they escape to the node`,
        },
      ],
    },
    {
      id: 'host-namespaces',
      title: "the node's network, process and IPC namespaces",
      control: 'host-namespaces',
      checks: ['host-network', 'host-pid-ipc'],
      mitigation: 'MS-M9013',
      validations: ['hostNetwork', 'hostPID', 'hostIPC'].map((field) => ({
        expression: `variables.podSpec.?${field}.orValue(false) != true`,
        message: `${field}: true is not allowed: the pod would share the node's namespace`,
      })),
    },
    {
      id: 'writable-host-path',
      title: 'writable hostPath volumes',
      control: 'host-path-writable',
      checks: ['writable-host-path'],
      mitigation: 'MS-M9013',
      variables: [
        {
          name: 'hostPathVolumes',
          expression: 'variables.podSpec.?volumes.orValue([]).filter(v, has(v.hostPath)).map(v, v.name)',
        },
      ],
      validations: [
        {
          expression:
            'variables.containers.all(c, c.?volumeMounts.orValue([]).all(m, !(m.name in variables.hostPathVolumes) || m.?readOnly.orValue(false) == true))',
          message:
            'hostPath volumes must be mounted readOnly: true: a writable node directory lets the pod change the node',
        },
      ],
    },
    {
      id: 'node-root',
      title: "the node's root file system",
      control: 'node-root',
      checks: ['writable-host-path', 'sensitive-host-path-read'],
      mitigation: 'MS-M9013',
      validations: [
        {
          expression: hostPathsAll(`!v.hostPath.path.matches('^[/.]*$') && !v.hostPath.path.matches('${WALKS_UP}')`),
          message: "mounting the node's root directory (or a path with ..) is not allowed",
        },
      ],
    },
    {
      id: 'runtime-socket',
      title: 'container runtime sockets',
      control: 'runtime-socket',
      checks: ['container-runtime-socket'],
      mitigation: 'MS-M9013',
      validations: [
        {
          expression: hostPathsAll(
            [
              `!v.hostPath.path.matches('(^|/)(${sockets.join('|')})/*$')`,
              `!v.hostPath.path.matches('^/+(${socketDirectories().join('|')})?/*$')`,
              `!v.hostPath.path.matches('${WALKS_UP}')`,
            ].join(' && '),
          ),
          message:
            'mounting a container runtime socket (or a directory holding one) is not allowed: it runs containers past admission',
        },
      ],
    },
    {
      id: 'run-as-root',
      title: 'containers running as root',
      control: 'run-as-root',
      checks: ['run-as-non-root'],
      mitigation: 'MS-M9013',
      variables: [
        { name: 'podRunAsUser', expression: 'variables.podSpec.?securityContext.?runAsUser.orValue(-1)' },
        { name: 'podRunAsNonRoot', expression: 'variables.podSpec.?securityContext.?runAsNonRoot.orValue(false)' },
      ],
      validations: [
        {
          expression:
            'variables.containers.all(c, c.?securityContext.?runAsUser.orValue(variables.podRunAsUser) != 0 && (c.?securityContext.?runAsNonRoot.orValue(variables.podRunAsNonRoot) == true || c.?securityContext.?runAsUser.orValue(variables.podRunAsUser) > 0))',
          message: 'containers must run as a non-root user: set runAsNonRoot: true (and a non-zero runAsUser)',
        },
      ],
    },
    {
      id: 'latest-tag',
      title: 'images by the latest tag or no tag',
      checks: ['image-tag'],
      mitigation: 'MS-M9005.003',
      validations: [
        {
          expression:
            "variables.containers.all(c, c.image.contains('@') || (c.image.matches(':[^/:@]+$') && !c.image.endsWith(':latest')))",
          message: 'images must be pinned by a digest or a release tag, not latest or no tag',
        },
      ],
    },
    {
      id: 'image-registries',
      title: 'images from unlisted registries',
      control: 'image-registries',
      checks: ['image-registry'],
      mitigation: 'MS-M9005.003',
      validations: [
        {
          expression: `variables.containers.all(c, ${registryTest(registries)})`,
          message: `images must come from ${listText(registries)}`,
        },
      ],
    },
  ];
}

/**
 * Whether `c.image` is in one of the registries (`host/path` prefixes, as the image-registry check writes them):
 * Docker Hub's are also written without the host (`fluent/fluent-bit`, `nginx`).
 */
function registryTest(registries: readonly string[]): string {
  const tests = registries.flatMap((registry) => {
    const tests = [`c.image.startsWith('${registry}/')`];
    const [host, ...path] = registry.split('/');
    if (host !== 'docker.io') return tests;
    // No host: the first segment has no `.` or `:` and is not localhost.
    const noHost = "!c.image.matches('^([^/]*[.:][^/]*|localhost)/')";
    if (path.length === 0) return [...tests, noHost];
    if (path.join('/') === 'library') return [...tests, "!c.image.contains('/')"];
    return [...tests, `c.image.startsWith('${path.join('/')}/')`];
  });
  return tests.length ? tests.join(' || ') : 'false';
}

/** The repositories' parents the current workloads pull from: `ghcr.io/acme`, `docker.io/library`. */
function registriesInUse(inventory: Inventory): string[] {
  const used = new Set<string>();
  for (const pod of inventory.podSpecs) {
    for (const container of pod.containers) {
      const reference = parseImage(container.spec.image);
      if (!reference) continue;
      const name = imageName(reference).toLowerCase();
      used.add(name.slice(0, name.lastIndexOf('/')));
    }
  }
  return [...used].sort();
}

interface Workload {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly resource: Resource;
}

const describe = (workload: Workload) => `${workload.kind} ${workload.namespace}/${workload.name}`;

/** The workloads of the input, each once, outside the system namespaces (the policies do not cover those). */
function workloadsOf(inventory: Inventory): Workload[] {
  const seen = new Map<string, Workload>();
  for (const pod of inventory.podSpecs) {
    const { kind, name } = pod.owner.ref;
    if (kind === 'PodTemplate' || SYSTEM_NAMESPACES.has(pod.namespace)) continue;
    const workload = { kind, namespace: pod.namespace, name, resource: pod.owner };
    seen.set(describe(workload), seen.get(describe(workload)) ?? workload);
  }
  return [...seen.values()];
}

/** The controller a workload's pods (or Jobs) name in their owner reference, and what it adds to the workload's name. */
const CREATED: Readonly<Record<string, { kind: string; suffix: string }>> = nameTable({
  Deployment: { kind: 'ReplicaSet', suffix: '[a-z0-9]+' },
  CronJob: { kind: 'Job', suffix: '[0-9]+' },
});

/** What a policy exempts: workloads by key, and whole namespaces where their workloads would not fit in the policy. */
export interface Exemptions {
  readonly workloads: readonly Workload[];
  /** Each with how many of its workloads need the setting. */
  readonly namespaces: readonly { readonly namespace: string; readonly workloads: number }[];
}

/**
 * Characters the exemption's CEL may take: the API server keeps a policy in etcd, whose default limit is 1.5 MiB an
 * object, and refuses a larger one (the Kyverno variant is about as large). Some 16,000 workloads of common names.
 */
export const EXEMPTION_BUDGET = 1_000_000;

/** The workloads as exemptions, the namespaces with the most of them exempted whole until the CEL fits in `budget`. */
export function exemptionsWithin(workloads: readonly Workload[], budget = EXEMPTION_BUDGET): Exemptions {
  // A workload's key is in the list of all and, for one whose controller creates pods by name, in its kind's list.
  const cost = ({ namespace, kind, name }: Workload) =>
    `'${namespace}/${kind}/${name}', `.length * (CREATED[kind] ? 3 : 2);
  const byNamespace = new Map<string, { namespace: string; workloads: number; cost: number }>();
  for (const workload of workloads) {
    const entry = byNamespace.get(workload.namespace) ?? { namespace: workload.namespace, workloads: 0, cost: 0 };
    entry.workloads += 1;
    entry.cost += cost(workload);
    byNamespace.set(workload.namespace, entry);
  }
  const costliest = [...byNamespace.values()].sort((a, b) => b.cost - a.cost || compareText(a.namespace, b.namespace));
  const whole = new Set<string>();
  const exemptions = (): Exemptions => ({
    workloads: workloads.filter((workload) => !whole.has(workload.namespace)),
    namespaces: costliest
      .filter((entry) => whole.has(entry.namespace))
      .map(({ namespace, workloads: count }) => ({ namespace, workloads: count })),
  });
  // Estimated from the keys first (they are nearly all of it), then made sure of.
  let estimate = costliest.reduce((sum, entry) => sum + entry.cost, 0);
  for (const entry of costliest) {
    if (estimate <= budget) break;
    whole.add(entry.namespace);
    estimate -= entry.cost - `'${entry.namespace}', `.length;
  }
  let result = exemptions();
  for (const entry of costliest) {
    if (whole.has(entry.namespace)) continue;
    if (exemptionOf(result).length <= budget) break;
    whole.add(entry.namespace);
    result = exemptions();
  }
  return result;
}

/**
 * CEL that is true in the namespaces exempted whole, and for each workload and what its controllers create from it:
 * its ReplicaSet or Job (owned by it), its pods (owned by it, or by the ReplicaSet or Job named after it), in its own
 * namespace. Each workload is a `namespace/kind/name` key in a list that `in` searches: one evaluation compares
 * strings instead of running a sub-expression (a regex among them) per exempted workload, which made `fix` on
 * thousands of them take minutes.
 */
export function exemptionOf({ workloads, namespaces }: Exemptions): string {
  const whole = namespaces.length
    ? [`request.namespace in ${celList(namespaces.map(({ namespace }) => namespace))}`]
    : [];
  if (workloads.length === 0) return whole.join('');
  const keys = (listed: readonly Workload[]) =>
    celList(listed.map(({ namespace, kind, name }) => `${namespace}/${kind}/${name}`));
  // `kind/name`, prefixed by the request's namespace.
  const key = (kindAndName: string) => `(request.namespace + '/' + ${kindAndName})`;
  // A pod's ReplicaSet is its Deployment's name, a dash and a suffix without dashes: the name before the last dash.
  const createdBy = Object.entries(CREATED).flatMap(([kind, created]) => {
    const listed = workloads.filter((workload) => workload.kind === kind);
    if (listed.length === 0) return [];
    const workloadName = `'${kind}/' + o.name.substring(0, o.name.lastIndexOf('-'))`;
    return [
      `(o.kind == '${created.kind}' && o.name.matches('^.+-${created.suffix}$') && ${key(workloadName)} in ${keys(listed)})`,
    ];
  });
  const byOwner = [`${key("o.kind + '/' + o.name")} in ${keys(workloads)}`, ...createdBy].join(' || ');
  return [
    ...whole,
    `${key("object.kind + '/' + object.metadata.?name.orValue('')")} in ${keys(workloads)}`,
    `object.metadata.?ownerReferences.orValue([]).exists(o, o.?controller.orValue(false) == true && (${byOwner}))`,
  ].join(' || ');
}

const SYSTEM_CONDITION = {
  name: 'outside-system-namespaces',
  expression: `!(request.namespace in ${celList(SYSTEM)})`,
};

function validatingPolicy(exposure: ExposureClass, exempted: Exemptions, mode: FixContext['mode']): Json[] {
  const name = `kubematrix-${exposure.id}`;
  const metadata = { name, labels: GENERATED_LABELS };
  const exemption = exemptionOf(exempted);
  const policy = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata,
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: { resourceRules: RESOURCE_RULES },
      matchConditions: [
        SYSTEM_CONDITION,
        ...(exemption ? [{ name: 'not-exempted', expression: `!(${exemption})` }] : []),
      ],
      variables: [...POD_VARIABLES, ...(exposure.variables ?? [])],
      validations: exposure.validations,
    },
  };
  const binding = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata,
    spec: { policyName: name, validationActions: ACTIONS[mode] },
  };
  return [policy, binding];
}

/** The same rule for Kyverno: its `cel` block has no match conditions, so the exemption is part of each expression. */
function kyvernoPolicy(exposure: ExposureClass, exempted: Exemptions, mode: FixContext['mode']): Json {
  const exemption = exemptionOf(exempted);
  const variables = [
    ...(exemption ? [{ name: 'exempted', expression: exemption }] : []),
    ...POD_VARIABLES,
    ...(exposure.variables ?? []),
  ];
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: `kubematrix-${exposure.id}`,
      labels: GENERATED_LABELS,
      // The rule matches the pod controllers itself and reads each one's template: no autogen rules.
      annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'none' },
    },
    spec: {
      background: true,
      ...(mode === 'warn' ? { emitWarning: true } : {}),
      rules: [
        {
          name: exposure.id,
          match: { any: [{ resources: { kinds: KYVERNO_KINDS, operations: ['CREATE', 'UPDATE'] } }] },
          exclude: { any: [{ resources: { namespaces: SYSTEM } }] },
          validate: {
            failureAction: mode === 'warn' ? 'Audit' : 'Enforce',
            cel: {
              variables,
              expressions: exposure.validations.map((validation) => ({
                expression: exemption ? `variables.exempted || (${validation.expression})` : validation.expression,
                message: validation.message,
              })),
            },
          },
        },
      ],
    },
  };
}

/** An inventory of the input's Namespaces and these objects: what the policies' own engine needs to decide. */
function policyInventory(inventory: Inventory, objects: readonly Json[]): Inventory {
  const namespaces = inventory.ofKind('Namespace').map((namespace) => ({ object: namespace.object }));
  return buildInventory([...namespaces, ...objects.map((object) => ({ object }))]).inventory;
}

/** The workloads these policies would not admit as they are (rejected, warned about, or undecidable), and why. */
function refused(
  workloads: readonly Workload[],
  inventory: Inventory,
  objects: readonly Json[],
  engine: AdmissionEngine,
): { workload: Workload; reason: string }[] {
  const policies = policyInventory(inventory, objects);
  return workloads.flatMap((workload) => {
    const result = admit(workload.resource.object, workload.namespace, policies, [engine]);
    return result.verdict === 'admitted' ? [] : [{ workload, reason: result.reason }];
  });
}

/** Whether the input runs Kyverno: its CRDs, its policies, or its controller's image. */
export function runsKyverno(inventory: Inventory): boolean {
  return (
    inventory.resources.some((resource) => {
      const { object } = resource;
      if (String(object.apiVersion ?? '').startsWith('kyverno.io/')) return true;
      if (object.kind === 'CustomResourceDefinition') {
        const group = (object.spec as Json | undefined)?.group;
        return typeof group === 'string' && group.endsWith('kyverno.io');
      }
      return false;
    }) ||
    inventory.podSpecs.some((pod) =>
      pod.containers.some((c) => /(^|\/)kyverno\/kyverno(:|@|$)/.test(String(c.spec.image ?? ''))),
    )
  );
}

/** Which classes the scan shows: a finding of their checks, or a control the input's admission does not enforce. */
function found(exposure: ExposureClass, context: FixContext, checks: ReadonlySet<string>): boolean {
  if (exposure.checks.some((check) => checks.has(check))) return true;
  if (!exposure.control) return false;
  const control = simulate(context.inventory).cluster(exposure.control);
  return control !== undefined && control.enforcement !== 'enforced';
}

const CHECK_TECHNIQUES = new Map(allChecks.map((check) => [check.id, check.exposes] as const));

function techniquesOf(exposure: ExposureClass): TechniqueId[] {
  return [...new Set(exposure.checks.flatMap((check) => CHECK_TECHNIQUES.get(check) ?? []))].sort();
}

const FOLDERS: Readonly<Record<string, string>> = {
  'MS-M9013': 'MS-M9013-admission-policies',
  'MS-M9005.003': 'MS-M9005.003-image-policies',
};

function header(
  what: string,
  exposure: ExposureClass,
  mode: FixContext['mode'],
  exempted: Exemptions,
  breaks: readonly string[],
  extra: readonly string[],
): string[] {
  const action = mode === 'warn' ? 'Warns about (and audits)' : 'Rejects';
  const techniques = techniquesOf(exposure);
  return [
    `kubematrix fix: ${what}`,
    `${action} ${exposure.title} in any container (containers, initContainers, ephemeralContainers) of ${MATCHED}, in every namespace but ${listText(SYSTEM)}.`,
    mode === 'warn'
      ? 'Mode warn: validationActions Warn and Audit. Once the warnings stop, enforce it (kubematrix fix --mode enforce).'
      : 'Mode enforce: validationActions Deny.',
    ...extra,
    `Closes: new workloads with ${exposure.title}${techniques.length ? ` (${techniques.join(', ')})` : ''}. Findings on today's workloads stay open until they are fixed: the exempted ones need the setting.`,
    ...(exempted.namespaces.length
      ? [
          `Exempted whole, as the names of the workloads that need the setting would not fit in one API object (how many need it): ${exempted.namespaces.map(({ namespace, workloads }) => `${namespace} (${formatCount(workloads)})`).join(', ')}. Any pod created there is exempted too: list them by name once fewer need it.`,
        ]
      : []),
    ...(exempted.workloads.length
      ? [
          `Exempted, by namespace and name (with the ReplicaSets, Jobs and Pods their controllers create): ${exempted.workloads.map(describe).join(', ')}.`,
          "An exemption trusts the pod's controller reference, which whoever may create pods in that namespace can write: fix the workload, then drop its exemption.",
        ]
      : exempted.namespaces.length
        ? []
        : ['Exempted: none; no current workload needs it.']),
    breaks.length ? `Would break: ${breaks.join(' ')}` : 'Would break: nothing; no current workload is refused.',
  ];
}

/** The policies for each exposure class the scan found; with Kyverno in the input, its ClusterPolicy too. */
export const admissionPolicies: FixGenerator = (context) => {
  const { inventory, findings, mode } = context;
  const workloads = workloadsOf(inventory);
  if (workloads.length === 0 && inventory.ofKind('Namespace').length === 0) return [];
  const configured = (context.allowedRegistries ?? []).map(allowedPrefix);
  const registries = configured.length ? configured : registriesInUse(inventory);
  const checks = new Set(findings.filter((finding) => !finding.suppressed).map((finding) => finding.checkId));
  const withKyverno = runsKyverno(inventory);
  const files: FixFile[] = [];
  for (const exposure of exposureClasses(registries)) {
    if (!found(exposure, context, checks)) continue;
    if (exposure.id === 'image-registries' && registries.length === 0) continue;
    // The workloads the policy without exemptions refuses are the ones that need the setting today.
    const needing = refused(
      workloads,
      inventory,
      validatingPolicy(exposure, { workloads: [], namespaces: [] }, 'enforce'),
      validatingAdmissionPolicyEngine,
    );
    const exempted = exemptionsWithin(needing.map(({ workload }) => workload));
    const extra =
      exposure.id === 'image-registries'
        ? [
            configured.length
              ? `Allowed: ${listText(registries)} (the image-registry check's options.allowed).`
              : `Allowed: ${listText(registries)}, where today's workloads pull from (no allowed list is configured: set the image-registry check's options.allowed, and narrow this one).`,
          ]
        : [];
    const folder = FOLDERS[exposure.mitigation] ?? exposure.mitigation;
    const variants: { file: string; what: string; objects: Json[]; engine: AdmissionEngine }[] = [
      {
        file: `${exposure.id}.yaml`,
        what: `ValidatingAdmissionPolicy and binding kubematrix-${exposure.id} (admissionregistration.k8s.io/v1, Kubernetes 1.30 or later)`,
        objects: validatingPolicy(exposure, exempted, mode),
        engine: validatingAdmissionPolicyEngine,
      },
    ];
    if (withKyverno)
      variants.push({
        file: `kyverno-${exposure.id}.yaml`,
        what: `Kyverno ClusterPolicy kubematrix-${exposure.id} (kyverno.io/v1, Kyverno 1.13 or later), the same rule for the Kyverno the input runs`,
        objects: [kyvernoPolicy(exposure, exempted, mode)],
        engine: kyverno,
      });
    for (const variant of variants) {
      const breaks = refused(workloads, inventory, variant.objects, variant.engine).map(({ reason }) => `${reason}.`);
      files.push({
        path: `${folder}/${variant.file}`,
        mitigation: exposure.mitigation,
        text: manifestText(header(variant.what, exposure, mode, exempted, breaks, extra), variant.objects),
        creates: variant.objects,
        closes: { techniques: techniquesOf(exposure), findings: [] },
        breaks,
      });
    }
  }
  return files;
};

/** The checks whose findings show an exposure class these policies keep out. */
export const admissionPolicyChecks: readonly string[] = [
  ...new Set(exposureClasses([]).flatMap((exposure) => exposure.checks)),
];
