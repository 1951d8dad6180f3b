import { allChecks } from '../../src/checks/index.js';
import { allDetections } from '../../src/detections/index.js';
import { scanCollection, scanManifests } from '../../src/engine/scan.js';
import type { Report, TechniqueActivity } from '../../src/model/report.js';
import { repoRoot } from '../paths.js';
import { sampleCluster } from './cluster.js';

/** The built-in rules, as the CLI hands them to reporters when no custom rule is given. */
export const catalog = { checks: allChecks, detections: allDetections };

/** What differs between two runs of the same scan, fixed so that a report can be compared with a golden file. */
function timeless<T extends Report>(report: T): T {
  return { ...report, version: '0.0.0-test', scannedAt: '2026-01-01T00:00:00.000Z' };
}

/**
 * A small report with one of everything reporters show: file findings, evidence with locations (the RBAC binding,
 * in a folder whose name needs URI-encoding), a suppressed finding, an input error, and names holding Markdown and
 * HTML (`|`, backticks, `<script>`) that every format must keep as text.
 */
export async function smallReport(): Promise<Report> {
  const { report } = await scanManifests(['test/fixtures/reports'], { cwd: repoRoot });
  return timeless(report);
}

/** A live cluster's report (the shop example and the RBAC fixtures as served): findings with `k8s://` addresses, no files. */
export async function clusterReport(): Promise<Report> {
  const { report } = scanCollection({
    context: 'prod',
    server: 'https://127.0.0.1:6443',
    serverVersion: 'v1.31.0',
    collectedAt: '2026-01-01T00:00:00.000Z',
    namespaces: { only: null, excluded: [] },
    kinds: [],
    unavailable: [],
    errors: [],
    objects: await sampleCluster(),
  });
  return timeless(report);
}

/**
 * What `scan --audit` adds to a report whose audit log showed exec into pods (MS-TA9006): alerts of a known rule, and
 * of a rule id this version does not know, holding markup (a report read back may come from anywhere).
 */
export const sampleActivity: Readonly<Record<string, TechniqueActivity>> = {
  'MS-TA9006': {
    alerts: 4,
    severity: 'high',
    rules: [
      { id: 'pod-exec', alerts: 3 },
      { id: '</code><img src=x onerror=alert(5)>', alerts: 1 },
    ],
  },
};

/** The report with `activity` set on the techniques `activity` names, as `scan --audit` sets it. */
export function withActivity(report: Report, activity = sampleActivity): Report {
  return {
    ...report,
    techniques: report.techniques.map((technique) =>
      activity[technique.id] ? { ...technique, activity: activity[technique.id] } : technique,
    ),
  };
}
