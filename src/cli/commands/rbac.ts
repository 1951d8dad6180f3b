import { rbacOf } from '../../rbac/model.js';
import { resolveSubjects, subjectProfile, type WhoCanQuery } from '../../rbac/queries.js';
import { riskOf } from '../../rbac/risky.js';
import { parseSubjectKind } from '../../rbac/subjects.js';
import { subjectsJson, whoCanJson } from '../../report/json/rbac.js';
import { formatInputError } from '../../report/terminal/errors.js';
import { renderSubjects, renderWhoCan } from '../../report/terminal/rbac.js';
import { ExitCode, type Io, UsageError } from '../io.js';
import { parseOutput } from '../options.js';
import type { ClusterOptions } from './cluster.js';
import { checkInput, collectionFor, nothingRead, scanInput } from './input.js';

export interface RbacCommandOptions extends ClusterOptions {
  output: string;
  /** The question's namespace, never a limit on what is read from a cluster. */
  namespace?: string;
}

/** `kubematrix rbac who-can VERB RESOURCE [PATHS…]`: subjects that can, and the bindings and roles that let them. */
export async function whoCan(io: Io, verb: string, resource: string, paths: string[], options: RbacCommandOptions) {
  const output = parseOutput(options.output, ['table', 'json']);
  const inventory = await load(io, paths, options);
  if (!inventory) return ExitCode.usage;
  const query: WhoCanQuery = { verb, resource, namespace: options.namespace };
  const found = rbacOf(inventory).whoCan(verb, resource, options.namespace);
  io.stdout.write(
    output === 'json' ? `${JSON.stringify(whoCanJson(query, found), null, 2)}\n` : renderWhoCan(query, found),
  );
  return ExitCode.ok;
}

/** `kubematrix rbac subject KIND/NAME [PATHS…]`: what the subject may do, grouped by the techniques it opens. */
export async function subject(io: Io, spec: string, paths: string[], options: RbacCommandOptions) {
  const output = parseOutput(options.output, ['table', 'json']);
  const [kindText = '', name = ''] = spec.split(/\/(.*)/s);
  const kind = parseSubjectKind(kindText);
  if (!kind || !name) {
    throw new UsageError(`give the subject as KIND/NAME, e.g. sa/deployer, user/alice or group/devs (got '${spec}')`);
  }
  const inventory = await load(io, paths, options);
  if (!inventory) return ExitCode.usage;
  const risk = riskOf(inventory);
  const profiles = resolveSubjects(risk.rbac, kind, name, options.namespace).map((who) => subjectProfile(risk, who));
  io.stdout.write(
    output === 'json' ? `${JSON.stringify(subjectsJson(profiles), null, 2)}\n` : renderSubjects(profiles),
  );
  return ExitCode.ok;
}

/**
 * The inventory of the input, files, a snapshot or a live cluster (as `scan` reads it); its errors go to stderr, and
 * nothing readable at all is none. A kind the cluster denied leaves the answer incomplete: the error says which.
 */
async function load(io: Io, paths: string[], options: RbacCommandOptions) {
  checkInput(paths, options, 'read');
  const collection = await collectionFor(io, paths, { ...options, namespace: undefined });
  const { report, inventory } = await scanInput(io, paths, collection, { checks: [], paths: false });
  for (const error of report.errors) io.stderr.write(`kubematrix: ${formatInputError(error)}\n`);
  return nothingRead(io, report) ? undefined : inventory;
}
