import type { Inventory } from '../../inventory/index.js';
import { type Rbac, rbacOf } from '../../rbac/model.js';
import { resolveSubjects, subjectProfile, type WhoCanQuery } from '../../rbac/queries.js';
import { riskOf } from '../../rbac/risky.js';
import { parseSubjectKind, subjectKey } from '../../rbac/subjects.js';
import type { Subject } from '../../rbac/types.js';
import { subjectsJson, whoCanJson } from '../../report/json/rbac.js';
import { jsonText } from '../../report/json/text.js';
import { formatInputError } from '../../report/terminal/errors.js';
import { renderSubjects, renderWhoCan } from '../../report/terminal/rbac.js';
import { ExitCode, type Io, UsageError } from '../io.js';
import { parseOutput } from '../options.js';
import type { ClusterOptions } from './cluster.js';
import { checkInput, collectionFor, nothingRead, placementNamespace, scanInput } from './input.js';

export interface RbacCommandOptions extends ClusterOptions {
  output: string;
  /**
   * The question's namespace, never a limit on what is read from a cluster; with files, also the one objects naming
   * none are placed in, as `kubectl apply -n NS` then `kubectl auth can-i -n NS` would ask.
   */
  namespace?: string;
}

/** `kubematrix rbac who-can VERB RESOURCE [PATHS…]`: subjects that can, and the bindings and roles that let them. */
export async function whoCan(io: Io, verb: string, resource: string, paths: string[], options: RbacCommandOptions) {
  const output = parseOutput(options.output, ['table', 'json']);
  const inventory = await load(io, paths, options);
  if (!inventory) return ExitCode.usage;
  const query: WhoCanQuery = { verb, resource, namespace: options.namespace };
  const found = rbacOf(inventory).whoCan(verb, resource, options.namespace);
  io.stdout.write(output === 'json' ? `${jsonText(whoCanJson(query, found), 2)}\n` : renderWhoCan(query, found));
  return ExitCode.ok;
}

/** `kubematrix rbac subject KIND/NAME [PATHS…]`: what the subject may do, grouped by the techniques it opens. */
export async function subject(io: Io, spec: string, paths: string[], options: RbacCommandOptions) {
  const output = parseOutput(options.output, ['table', 'json']);
  const [kindText = '', rest = ''] = spec.split(/\/(.*)/s);
  const kind = parseSubjectKind(kindText);
  // A ServiceAccount's name has no `/`: sa/NAMESPACE/NAME is the namespace -n would give.
  const [inNamespace, name = rest] = kind === 'ServiceAccount' && rest.includes('/') ? rest.split(/\/(.*)/s) : [];
  if (!kind || !name || (inNamespace !== undefined && (!inNamespace || name.includes('/')))) {
    throw new UsageError(
      `give the subject as KIND/NAME, e.g. sa/deployer, sa/ci/deployer, user/alice or group/devs (got '${spec}')`,
    );
  }
  if (inNamespace !== undefined && options.namespace !== undefined && options.namespace !== inNamespace) {
    throw new UsageError(`'${spec}' and -n ${options.namespace} name different namespaces: give one of them`);
  }
  const namespace = inNamespace ?? options.namespace;
  const inventory = await load(io, paths, options);
  if (!inventory) return ExitCode.usage;
  const risk = riskOf(inventory);
  const subjects = namedSubjects(inventory, risk.rbac, resolveSubjects(risk.rbac, kind, name, namespace));
  const profiles = subjects.map((who) => subjectProfile(risk, who));
  io.stdout.write(output === 'json' ? `${jsonText(subjectsJson(profiles), 2)}\n` : renderSubjects(profiles));
  return ExitCode.ok;
}

/**
 * The inventory of the input, files, a snapshot or a live cluster (as `scan` reads it); its errors go to stderr, and
 * nothing readable at all is none. A kind the cluster denied leaves the answer incomplete: the error says which.
 */
async function load(io: Io, paths: string[], options: RbacCommandOptions) {
  checkInput(paths, options, 'read');
  const namespace = placementNamespace(options);
  const collection = await collectionFor(io, paths, { ...options, namespace: undefined });
  const { report, inventory } = await scanInput(io, paths, collection, { checks: [], paths: false, namespace });
  for (const error of report.errors) io.stderr.write(`kubematrix: ${formatInputError(error)}\n`);
  return nothingRead(io, report) ? undefined : inventory;
}

/**
 * The subjects asked about that the input names: in a binding, as a ServiceAccount object, or as the account a pod
 * template runs as (`sa/default` of a namespace whose pods use it). None is a usage error: an empty profile would read
 * as "holds nothing", and a typo or the wrong input would look like a clean answer.
 */
function namedSubjects(inventory: Inventory, rbac: Rbac, asked: readonly Subject[]): Subject[] {
  const runAs = inventory.podSpecs.map(
    ({ owner, serviceAccountName }): Subject => ({
      kind: 'ServiceAccount',
      namespace: owner.ref.namespace,
      name: serviceAccountName,
    }),
  );
  const named = new Map([...rbac.subjects, ...runAs].map((who) => [subjectKey(who), who]));
  const found = asked.filter((who) => named.has(subjectKey(who)));
  if (found.length) return found;
  const [only] = asked;
  // Asked without a namespace, a ServiceAccount no binding names may still be what pods run as.
  if (only?.kind === 'ServiceAccount' && only.namespace === null) {
    const accounts = [...named.values()].filter((who) => who.kind === 'ServiceAccount' && who.name === only.name);
    if (accounts.length) return accounts;
  }
  throw new UsageError(`no binding or object names ${only ? subjectSpec(only) : 'that subject'} in the input`);
}

/** The subject as the command takes it: `sa/NAMESPACE/NAME` when the namespace is known, `user/NAME`, `group/NAME`. */
function subjectSpec({ kind, namespace, name }: Subject): string {
  const short = { ServiceAccount: 'sa', User: 'user', Group: 'group' }[kind];
  return namespace === null ? `${short}/${name}` : `${short}/${namespace}/${name}`;
}
