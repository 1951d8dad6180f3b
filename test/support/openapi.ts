import { readFileSync } from 'node:fs';
import ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Pod } from 'kubernetes-models/v1/Pod';
import { ReplicationController } from 'kubernetes-models/v1/ReplicationController';

/**
 * Whether a generated object is one the API server accepts, by the Kubernetes OpenAPI schema of its kind: the
 * `kubernetes-models` package (Kubernetes v1.36 schemas, compiled) for built-in kinds, and the schemas in
 * ./schemas (see its README) for the audit policy file and Kyverno's ClusterPolicy. The built-in schemas check types,
 * enums and required fields; like the API server's, they do not list every field, so an unknown one passes there.
 */

interface Model {
  validate(): void;
}
type ModelClass = new (data: never) => Model;

const MODELS: Readonly<Record<string, ModelClass>> = {
  'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy': ValidatingAdmissionPolicy,
  'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding': ValidatingAdmissionPolicyBinding,
  'networking.k8s.io/v1 NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1 Role': Role,
  'rbac.authorization.k8s.io/v1 ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1 RoleBinding': RoleBinding,
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding': ClusterRoleBinding,
  'v1 Namespace': Namespace,
  // The workloads fix patches, to check each one as patched.
  'v1 Pod': Pod,
  'v1 ReplicationController': ReplicationController,
  'apps/v1 Deployment': Deployment,
  'apps/v1 DaemonSet': DaemonSet,
  'apps/v1 StatefulSet': StatefulSet,
  'apps/v1 ReplicaSet': ReplicaSet,
  'batch/v1 Job': Job,
  'batch/v1 CronJob': CronJob,
};

const ajv = new ajv2020.default({ allErrors: true, strict: false });
const schema = (file: string): ValidateFunction =>
  ajv.compile(JSON.parse(readFileSync(new URL(`./schemas/${file}`, import.meta.url), 'utf8')));
const SCHEMAS: Readonly<Record<string, ValidateFunction>> = {
  'audit.k8s.io/v1 Policy': schema('audit-policy.json'),
  'kyverno.io/v1 ClusterPolicy': schema('kyverno-clusterpolicy.json'),
};

/** The schema violations of `object`, one line each; empty when valid. A kind without a schema here is an error. */
export function openApiErrors(object: Readonly<Record<string, unknown>>): string[] {
  const key = `${String(object.apiVersion)} ${String(object.kind)}`;
  const model = MODELS[key];
  if (model) {
    try {
      new model(structuredClone(object) as never).validate();
      return [];
    } catch (error) {
      return [`${key}: ${error instanceof Error ? error.message : String(error)}`];
    }
  }
  const validate = SCHEMAS[key];
  if (!validate) return [`${key}: no schema for this kind in test/support/openapi.ts`];
  if (validate(object)) return [];
  return (validate.errors ?? []).map((error) => `${key}: ${error.instancePath || '/'} ${error.message ?? ''}`.trim());
}
