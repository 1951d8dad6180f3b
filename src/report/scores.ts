import type { Severity } from '../model/report.js';

/**
 * A severity as a number from 0 to 10, on the CVSS-like scale GitHub code scanning reads from a SARIF rule's
 * `security-severity` (over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low): each value sits inside its band,
 * and `info` is 0 so that it never ranks as a security alert. The ATT&CK Navigator layer scores techniques on the
 * same scale.
 */
export const severityScore: Readonly<Record<Severity, number>> = {
  critical: 9.5,
  high: 8.0,
  medium: 5.5,
  low: 3.0,
  info: 0.0,
};
