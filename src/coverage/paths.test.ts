import { describe, expect, it } from 'vitest';
import { samplePaths } from '../../test/support/attack-paths.js';
import { scanManifests } from '../engine/scan.js';
import { Report } from '../model/report.js';
import { reportPaths, withPaths } from './paths.js';

describe('attack paths in the scan report', () => {
  it('keeps the paths, the choke points and only the nodes the paths pass through', () => {
    const kept = reportPaths(samplePaths);
    expect(kept).not.toHaveProperty('edges');
    expect(kept.paths).toEqual(samplePaths.paths);
    expect(kept.chokePoints).toEqual(samplePaths.chokePoints);
    // The control plane is a target no path reaches.
    expect(kept.nodes.map((node) => node.id).sort()).toEqual(
      samplePaths.nodes
        .map((node) => node.id)
        .filter((id) => id !== 'target:control-plane')
        .sort(),
    );
  });

  it('counts, per technique, the paths with a step that uses it, each path once', () => {
    const statuses = ['MS-TA9018', 'MS-TA9016', 'MS-TA9004'].map((id) => ({
      id,
      status: 'exposed' as const,
      findings: 1,
      assessedBy: [],
      mitigations: { present: [], missing: [] },
    }));
    const counted = withPaths(statuses, samplePaths);
    // 9018: both escapes to the node (the root one uses it twice: counted once) and the web → cluster-admin path.
    expect(counted.map((technique) => [technique.id, technique.onPaths])).toEqual([
      ['MS-TA9018', 3],
      ['MS-TA9016', 3],
      ['MS-TA9004', 0],
    ]);
  });

  it('are computed by the scan through its path builder, with the findings, and valid per the report schema', async () => {
    const seen: number[] = [];
    const { report } = await scanManifests(['examples/shop'], {
      paths: (inventory, findings) => {
        seen.push(inventory.resources.length, findings.length);
        return samplePaths;
      },
    });
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen[1]).toBe(report.findings.length);
    expect(Report.parse(report)).toEqual(report);
    expect(report.attackPaths?.paths).toHaveLength(samplePaths.paths.length);
    const onPaths = new Map(report.techniques.map((technique) => [technique.id, technique.onPaths]));
    expect(onPaths.get('MS-TA9019')).toBe(3);
    expect(onPaths.get('MS-TA9008')).toBe(3);
    expect(onPaths.get('MS-TA9039')).toBe(0);
  });

  it('are left out when the scan is told to build none', async () => {
    const { report } = await scanManifests(['examples/shop'], { paths: false });
    expect(report.attackPaths).toBeUndefined();
    expect(report.techniques.every((technique) => technique.onPaths === undefined)).toBe(true);
  });
});
