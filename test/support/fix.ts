import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { scanManifests } from '../../src/engine/scan.js';
import type { FixGeneratorEntry } from '../../src/fix/index.js';
import type { FixContext, FixFile } from '../../src/fix/types.js';
import { withObjects } from '../../src/fix/with-objects.js';
import type { Inventory } from '../../src/inventory/index.js';
import type { Finding } from '../../src/model/report.js';

/** The fix context of a scan of these manifest paths, as `kubematrix fix PATH…` builds it. */
export async function contextOf(inputs: readonly string[], mode: FixContext['mode'] = 'warn'): Promise<FixContext> {
  const { report, inventory } = await scanManifests(inputs, { paths: false });
  return { inventory, findings: report.findings, mode };
}

/** The input's objects and the objects the files create: the cluster after them. */
export function inventoryWith(inventory: Inventory, files: readonly Pick<FixFile, 'creates'>[]): Inventory {
  return withObjects(
    inventory,
    files.flatMap((file) => file.creates ?? []),
  );
}

/** What kubematrix finds in the files' text alone, written to a folder and scanned as `kubematrix scan` would. */
export async function findingsIn(files: readonly FixFile[]): Promise<Finding[]> {
  const folder = mkdtempSync(path.join(tmpdir(), 'kubematrix-fix-'));
  try {
    files.forEach((file, index) => {
      writeFileSync(path.join(folder, `${index}-${path.basename(file.path)}`), file.text);
    });
    const { report } = await scanManifests([folder], { paths: false });
    expect(report.errors).toEqual([]);
    return report.findings;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * A fix file of the tests' own that no real generator would write: a ValidatingAdmissionPolicy denying `:latest`
 * images in every namespace, which rejects the example shop's storefront. It proves the what-if names the running
 * workloads a new policy breaks.
 */
export const rejectingFile: FixFile = {
  path: 'MS-M9005.003-test/no-latest.yaml',
  mitigation: 'MS-M9005.003',
  text: '# test\n',
  creates: [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'no-latest' },
      spec: {
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
        },
        validations: [
          { expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))", message: 'no latest' },
        ],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'no-latest' },
      spec: { policyName: 'no-latest', validationActions: ['Deny'] },
    },
  ],
  closes: { techniques: [], findings: [] },
  breaks: ['rejects Deployment shop/storefront'],
};

export const rejectingGenerator: FixGeneratorEntry = {
  id: 'test',
  mitigations: ['MS-M9005.003'],
  checks: ['image-tag'],
  generate: () => [rejectingFile],
};
