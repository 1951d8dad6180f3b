import type { AnyCheck } from '../../checks/define.js';
import type { AnyDetection } from '../../detections/define.js';
import { getMitigation, getTechnique } from '../../matrix/index.js';

const techniqueRefs = (ids: readonly string[]) => ids.map((id) => ({ id, name: getTechnique(id)?.name ?? '' }));

/** `kubematrix explain CHECK-ID -o json`: the check's metadata, as docs/checks.md shows it. */
export function checkJson(check: AnyCheck) {
  return {
    type: check.definedAt ? 'custom-rule' : 'check',
    ...(check.definedAt && { definedAt: { file: check.definedAt.file, line: check.definedAt.line } }),
    id: check.id,
    title: check.title,
    severity: check.severity,
    description: check.description,
    why: check.rationale,
    fix: check.remediation,
    techniques: techniqueRefs(check.exposes),
    mitigations: check.missing.map((id) => ({ id, name: getMitigation(id)?.name ?? '' })),
  };
}

/** `kubematrix explain RULE-ID -o json`: the audit rule's metadata, as docs/detections.md shows it. */
export function detectionJson(detection: AnyDetection) {
  return {
    type: 'audit-rule',
    id: detection.id,
    title: detection.title,
    severity: detection.severity,
    level: detection.level,
    description: detection.description,
    why: detection.rationale,
    response: detection.response,
    benign: detection.benign,
    ...(detection.baseline && { baseline: detection.baseline }),
    techniques: techniqueRefs(detection.techniques),
    watches: detection.on,
    fields: detection.fields,
  };
}
