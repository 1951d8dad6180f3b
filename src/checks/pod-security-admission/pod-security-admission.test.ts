import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'baseline and restricted enforced, at latest, a current version or none',
      yaml: `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
---
apiVersion: v1
kind: Namespace
metadata:
  name: legacy
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/enforce-version: v1.31
    pod-security.kubernetes.io/warn: restricted
`,
    },
    {
      name: 'workloads whose Namespace object is not in the input are not judged',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: elsewhere}
spec:
  containers: [{name: web, image: nginx}]
`,
    },
    {
      name: 'a pin at the configured minimum',
      yaml: `
apiVersion: v1
kind: Namespace
metadata:
  name: pinned
  labels: {pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/enforce-version: v1.22}
`,
      options: { minimumVersion: 'v1.22' },
    },
  ],
  invalid: [
    {
      name: 'no enforce label; audit and warn only record',
      yaml: `
apiVersion: v1
kind: Namespace
metadata:
  name: team-a
  labels:
    pod-security.kubernetes.io/audit: restricted
    pod-security.kubernetes.io/warn: baseline
---
apiVersion: v1
kind: Namespace
metadata: {name: team-b}
`,
      findings: [
        {
          line: 6,
          severity: 'low',
          mitigations: ['MS-M9017'],
          path: 'metadata.labels["pod-security.kubernetes.io/enforce"]',
          message:
            "namespace 'team-a': no pod-security.kubernetes.io/enforce label: Pod Security admission admits any pod here, privileged and host-mounting ones included (audit: restricted, warn: baseline only record violations)",
        },
        { line: 12, severity: 'low', message: /^namespace 'team-b': no pod-security/ },
      ],
    },
    {
      name: 'privileged explicitly; in a system namespace it is information',
      yaml: `
apiVersion: v1
kind: Namespace
metadata:
  name: ci
  labels: {pod-security.kubernetes.io/enforce: privileged}
---
apiVersion: v1
kind: Namespace
metadata:
  name: kube-system
  labels: {pod-security.kubernetes.io/enforce: privileged}
---
apiVersion: v1
kind: Namespace
metadata: {name: kube-node-lease}
`,
      findings: [
        { line: 6, severity: 'low', message: /^namespace 'ci': enforces the privileged level/ },
        { line: 12, severity: 'info', message: /^system namespace 'kube-system': enforces the privileged level/ },
        { line: 16, severity: 'info', message: /^system namespace 'kube-node-lease': no pod-security/ },
      ],
    },
    {
      name: 'a level and a version the API server rejects, and an old pin: one finding per namespace',
      yaml: `
apiVersion: v1
kind: Namespace
metadata:
  name: typo
  labels:
    pod-security.kubernetes.io/enforce: Restricted
    pod-security.kubernetes.io/audit: baseline
    pod-security.kubernetes.io/audit-version: "1.30"
---
apiVersion: v1
kind: Namespace
metadata:
  name: old
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/enforce-version: v1.23
`,
      findings: [
        {
          line: 7,
          path: 'metadata.labels["pod-security.kubernetes.io/enforce"]',
          message:
            /^namespace 'typo': pod-security.kubernetes.io\/enforce is not a Pod Security level .*; pod-security.kubernetes.io\/audit-version is neither latest/,
        },
        {
          line: 17,
          path: 'metadata.labels["pod-security.kubernetes.io/enforce-version"]',
          message:
            "namespace 'old': enforces baseline as the standards stood in v1.23, older than v1.25: checks added since are not applied",
        },
      ],
    },
  ],
});
