import { apiserver, mirrorApiserver } from '../control-plane.fixtures.js';
import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    { name: 'Node,RBAC', yaml: apiserver([]) },
    {
      name: 'authorizers configured by an --authorization-config file',
      yaml: apiserver(['authorization-mode'], ['--authorization-config=/etc/kubernetes/authz.yaml']),
    },
    { name: 'a mirror pod with Node,RBAC', yaml: mirrorApiserver(['--authorization-mode=Node,RBAC']) },
  ],
  invalid: [
    {
      name: 'AlwaysAllow after RBAC still allows everything RBAC does not',
      yaml: apiserver(['authorization-mode'], ['--authorization-mode=Node,RBAC,AlwaysAllow']),
      findings: [
        {
          line: 28,
          path: 'spec.containers[0].command[15]',
          techniques: ['MS-TA9019', 'MS-TA9029', 'MS-TA9025'],
          mitigations: [],
          severity: 'critical',
          message: /includes AlwaysAllow/,
        },
      ],
    },
    {
      name: 'no --authorization-mode: the default is AlwaysAllow',
      yaml: apiserver(['authorization-mode']),
      findings: [{ line: 12, path: 'spec.containers[0].command', message: /defaults to AlwaysAllow/ }],
    },
    {
      name: 'given as a separate argument in a mirror pod',
      yaml: mirrorApiserver(['--authorization-mode', 'AlwaysAllow']),
      findings: [{ line: 23, path: 'spec.containers[0].command[1]' }],
    },
  ],
});
