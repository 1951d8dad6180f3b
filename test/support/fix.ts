import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { scanManifests } from '../../src/engine/scan.js';
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
