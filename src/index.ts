export { admissionRequest, admit, admitRequest } from './admission/index.js';
export { CONTROL_MITIGATIONS, CONTROLS, type Control, PROBES, type Probe } from './admission/probes.js';
export {
  type ClusterControl,
  type ControlResult,
  type Enforcement,
  type Simulation,
  simulate,
} from './admission/simulate.js';
export type {
  AdmissionEngine,
  AdmissionRequest,
  AdmissionResult,
  PolicyOutcome,
  Verdict,
} from './admission/types.js';
export type { AnyCheck, Check, CheckContext, FindingDraft } from './checks/define.js';
export { defineCheck } from './checks/define.js';
export { allChecks, getCheck } from './checks/index.js';
export { Config, loadConfig, loadRuleFile, parseConfig, type RuleFile, RuleSpec } from './config/index.js';
export { techniqueStatuses } from './coverage/index.js';
export { analyze } from './engine/analyze.js';
export {
  ActivityTally,
  type AuditLogOptions,
  type AuditLogResult,
  auditAllowList,
  auditLog,
  auditReport,
} from './engine/audit.js';
export { type ScanOptions, type ScanResult, scanCollection, scanManifests } from './engine/scan.js';
export { type ApplyFixesOptions, applyFixesToFiles } from './fix/edit.js';
export { type FixGeneratorEntry, type FixOptions, fix, GENERATORS, selectGenerators } from './fix/index.js';
export type { FixContext, FixFile, FixGenerator, ObjectPatch, ObservedUsage } from './fix/types.js';
export { readUsage } from './fix/usage.js';
export { type WhatIf, type WhatIfDiff, whatIf } from './fix/what-if.js';
export { type FolderFile, folderFiles, writeFolder } from './fix/write.js';
export { decodeRecord } from './inputs/audit/decode.js';
export type { AuditEvent, SourcedEvent } from './inputs/audit/event.js';
export { type AuditReadOptions, type AuditReadResult, readAuditLog } from './inputs/audit/read.js';
export { type CollectOptions, collectCluster } from './inputs/cluster/collect.js';
export { Collection } from './inputs/cluster/collection.js';
export type { ClusterTarget } from './inputs/cluster/connect.js';
export { decodeSnapshot, encodeSnapshot } from './inputs/cluster/snapshot.js';
export { parseManifest, readManifests } from './inputs/manifests.js';
export { buildInventory, type Inventory, type PodSpecView, type Resource } from './inventory/index.js';
export * from './matrix/index.js';
export * from './model/alert.js';
export * from './model/audit.js';
export * from './model/report.js';
export { type Rbac, rbacOf, type WhoCan } from './rbac/model.js';
export {
  resolveSubjects,
  type SubjectProfile,
  subjectProfile,
  type TechniqueHeld,
  unresolvedFor,
  type WhoCanQuery,
} from './rbac/queries.js';
export { type Held, type RiskIndex, type RiskyGrant, type RiskyPermission, riskOf } from './rbac/risky.js';
export type { Binding, Grant, Role, Scope, Subject, SubjectKind } from './rbac/types.js';
export { compileRules } from './rules/index.js';
export { version } from './version.js';
