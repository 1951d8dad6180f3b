import { apiserver } from '../control-plane.fixtures.js';
import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    { name: 'a policy and a log file', yaml: apiserver([]) },
    {
      name: 'a policy and a webhook backend',
      yaml: apiserver(['audit-log-path'], ['--audit-webhook-config-file=/etc/kubernetes/audit/webhook.yaml']),
    },
  ],
  invalid: [
    {
      name: 'no audit policy (kubeadm sets none)',
      yaml: apiserver(['audit-policy-file', 'audit-log-path']),
      findings: [
        {
          line: 12,
          path: 'spec.containers[0].command',
          techniques: [],
          mitigations: ['MS-M9020'],
          message: /records no audit events: deleted events \(MS-TA9022\) .*\(MS-TA9021\) leave no record/,
        },
      ],
    },
    {
      name: 'a policy without a backend',
      yaml: apiserver(['audit-log-path']),
      findings: [{ line: 17, path: 'spec.containers[0].command[4]', message: /written nowhere/ }],
    },
  ],
});
