import { readManifests } from '../../src/inputs/manifests.js';
import { repoRoot } from '../paths.js';
import { asCluster } from './kube-api-server.js';

/** Served in a Secret, a ConfigMap's neighbour and kubectl's last-applied annotation: must never reach any output. */
export const CANARY = 'kubematrix-canary-7f3a9c1e5b';

/**
 * A small cluster: the shop example and the RBAC fixtures as they would be applied, plus a Secret whose value,
 * and kubectl's copy of it, hold the canary.
 */
export async function sampleCluster(): Promise<Record<string, unknown>[]> {
  const read = await readManifests(['examples/shop', 'test/fixtures/rbac'], { cwd: repoRoot });
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: 'db-credentials',
      namespace: 'shop',
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ data: { password: CANARY } }),
        team: 'orders',
      },
    },
    data: { password: Buffer.from(CANARY).toString('base64') },
  };
  return asCluster([...read.objects.map((manifest) => manifest.object), secret]);
}
