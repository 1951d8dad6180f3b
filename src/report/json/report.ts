import type { Report } from '../../model/report.js';

/** The report exactly as the schema in src/model/report.ts describes it. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
