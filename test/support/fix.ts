import type { FixFile, FixGeneratorEntry } from '../../src/fix/index.js';

/**
 * A fix file of the tests' own that no real generator would write: a ValidatingAdmissionPolicy denying `:latest`
 * images in every namespace, which rejects the example shop's storefront. It proves the what-if names the running
 * workloads a new policy breaks.
 */
export const rejectingFile: FixFile = {
  path: 'MS-M9005.003-test/no-latest.yaml',
  mitigation: 'MS-M9005.003',
  text: '# test\n',
  creates: [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'no-latest' },
      spec: {
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
        },
        validations: [
          { expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))", message: 'no latest' },
        ],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'no-latest' },
      spec: { policyName: 'no-latest', validationActions: ['Deny'] },
    },
  ],
  closes: { techniques: [], findings: [] },
  breaks: ['rejects Deployment shop/storefront'],
};

export const rejectingGenerator: FixGeneratorEntry = {
  id: 'test',
  mitigations: ['MS-M9005.003'],
  checks: ['image-tag'],
  generate: () => [rejectingFile],
};
