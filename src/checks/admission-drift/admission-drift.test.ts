import { testCheck } from '../tester.js';
import check from './index.js';

const namespace = (labels: string) => `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: ${labels}}
---`;

const deployment = (securityContext: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.shop.example/web:1.0
        securityContext: ${securityContext}
`;

const BASELINE = '{pod-security.kubernetes.io/enforce: baseline}';

testCheck(check, {
  valid: [
    { name: 'a workload its namespace admits', yaml: `${namespace(BASELINE)}${deployment('{privileged: false}')}` },
    {
      name: 'a privileged workload where Pod Security only warns',
      yaml: `${namespace('{pod-security.kubernetes.io/warn: baseline}')}${deployment('{privileged: true}')}`,
    },
    {
      name: 'a privileged workload naming no namespace: where it lands is not known',
      yaml: `${namespace(BASELINE)}${deployment('{privileged: true}').replace(', namespace: shop', '')}`,
    },
  ],
  invalid: [
    {
      name: 'a privileged Deployment in a namespace that now enforces baseline: its pods would be rejected',
      yaml: `${namespace(BASELINE)}${deployment('{privileged: true}')}`,
      findings: [
        {
          line: 13,
          severity: 'medium',
          path: 'spec.template.spec',
          message:
            /^would be rejected now: Pod web-1 in shop is rejected by Pod Security admission enforce=baseline:latest on Namespace shop \(violates PodSecurity "baseline:latest": privileged/,
          evidence: [{ type: 'policy', line: 4 }],
        },
      ],
    },
  ],
});
