import { testCheck } from '../tester.js';
import check from './index.js';

const shop = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---`;

const policy = (containers: string) => `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: pod-hardening}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods, pods/ephemeralcontainers]}
  validations:
  - expression: "${containers}.all(c, !(c.?securityContext.?privileged.orValue(false)))"
    message: privileged containers are not allowed
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: pod-hardening}
spec:
  policyName: pod-hardening
  validationActions: [Deny]
`;

const ALL =
  '(object.spec.containers + object.spec.?initContainers.orValue([]) + object.spec.?ephemeralContainers.orValue([]))';

testCheck(check, {
  valid: [
    { name: 'a policy that checks every container list', yaml: `${shop}${policy(ALL)}` },
    { name: 'no policy: nothing rejects, so nothing is partial', yaml: shop },
  ],
  invalid: [
    {
      name: 'a policy that checks only the first container lets a privileged second container through',
      yaml: `${shop}${policy('[object.spec.containers[0]]')}`,
      findings: [
        {
          line: 14,
          severity: 'medium',
          mitigations: ['MS-M9013'],
          message:
            /^ValidatingAdmissionPolicy pod-hardening rejects 9 probes of privileged containers but not all: a privileged container in a second container of a labelled Pod is admitted in shop; a privileged container in a second container of an unlabelled Pod is admitted in shop; a privileged container in an init container of a labelled Pod is admitted in shop; and 3 more probes$/,
          evidence: [{ type: 'policy', line: 17 }],
        },
      ],
    },
    {
      name: 'a Kyverno rule that forgets ephemeral containers',
      yaml: `${shop}
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: disallow-privileged}
spec:
  validationFailureAction: Enforce
  rules:
  - name: privileged
    match:
      any:
      - resources: {kinds: [Pod]}
    validate:
      message: privileged containers are not allowed
      pattern:
        spec:
          =(initContainers):
          - =(securityContext):
              =(privileged): "false"
          containers:
          - =(securityContext):
              =(privileged): "false"
`,
      findings: [
        {
          line: 12,
          message:
            /^Kyverno ClusterPolicy disallow-privileged rejects \d+ probes of privileged containers but not all: a privileged container in an ephemeral container added to a running pod of a labelled Pod is admitted in shop; a privileged container in an ephemeral container added to a running pod of an unlabelled Pod is admitted in shop$/,
        },
      ],
    },
  ],
});
