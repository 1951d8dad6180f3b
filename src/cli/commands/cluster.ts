import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Collection } from '../../inputs/cluster/collection.js';
import { printable } from '../../report/terminal/text.js';
import { type Io, UsageError } from '../io.js';

/** The options every command that reads a live cluster takes. */
export interface ClusterOptions {
  cluster?: boolean;
  context?: string;
  kubeconfig?: string;
  namespace?: string;
  allNamespaces?: boolean;
  excludeNamespaces?: string;
  quiet?: boolean;
}

/** Whether the command line asks for a live cluster. */
export function wantsCluster(options: ClusterOptions): boolean {
  return !!(options.cluster || options.context || options.kubeconfig);
}

/** Collects from the cluster the options name; progress on stderr when it is a terminal and not --quiet. */
export async function collectFor(io: Io, options: ClusterOptions): Promise<Collection> {
  const list = (value: string | undefined) =>
    value
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean) ?? [];
  if (options.namespace && options.allNamespaces)
    throw new UsageError('give -n NAMESPACE or --all-namespaces, not both');
  const [{ collectCluster }, { ClusterError }] = await Promise.all([
    import('../../inputs/cluster/collect.js'),
    import('../../inputs/cluster/connect.js'),
  ]);
  const progress =
    io.stderr.isTTY && !options.quiet ? (line: string) => io.stderr.write(`${printable(line)}\n`) : undefined;
  try {
    return await collectCluster(
      {
        ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
        ...(options.context ? { context: options.context } : {}),
        env: io.env,
        cwd: io.cwd,
      },
      {
        namespaces: list(options.namespace),
        excludeNamespaces: list(options.excludeNamespaces),
        ...(progress ? { progress } : {}),
      },
    );
  } catch (error) {
    if (error instanceof ClusterError) throw new UsageError(error.message);
    throw error;
  }
}

export interface SnapshotOptions extends ClusterOptions {
  output?: string;
}

/** `kubematrix snapshot`: what a live scan would assess, to a file, for review elsewhere. */
export default async function snapshotCommand(io: Io, options: SnapshotOptions): Promise<number> {
  if (!options.output) throw new UsageError('give the file to write: -o cluster.json or -o cluster.json.gz');
  const collection = await collectFor(io, options);
  // The cluster client's module, with Node's http and https, loads for the commands that connect, not for scan.
  const [{ encodeSnapshot }, { describe }] = await Promise.all([
    import('../../inputs/cluster/snapshot.js'),
    import('../../inputs/cluster/connect.js'),
  ]);
  const file = path.resolve(io.cwd, options.output);
  try {
    writeFileSync(file, encodeSnapshot(collection, file));
  } catch (error) {
    throw new UsageError(`cannot write ${options.output}: ${describe(error, 'write failed')}`);
  }
  if (!options.quiet) {
    const unavailable = collection.unavailable.length
      ? `; not listed: ${collection.unavailable.map((u) => `${u.resource} (${u.reason})`).join(', ')}`
      : '';
    const line = `kubematrix: wrote ${collection.objects.length} objects of ${collection.kinds.length} kinds from ${collection.context} to ${options.output}${unavailable}`;
    io.stderr.write(`${printable(line)}\n`);
  }
  return 0;
}
