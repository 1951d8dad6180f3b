import { apiserver } from '../control-plane.fixtures.js';
import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    { name: 'enabled, as kubeadm does', yaml: apiserver([]) },
    {
      name: 'enabled among others, through the pre-1.10 flag',
      yaml: apiserver(['enable-admission-plugins'], ['--admission-control=NamespaceLifecycle, NodeRestriction']),
    },
  ],
  invalid: [
    {
      name: 'other plugins only',
      yaml: apiserver(['enable-admission-plugins'], ['--enable-admission-plugins=PodSecurity,EventRateLimit']),
      findings: [
        {
          line: 28,
          path: 'spec.containers[0].command[15]',
          techniques: [],
          mitigations: ['MS-M9027'],
          message: /plugins enabled do not include NodeRestriction/,
        },
      ],
    },
    {
      name: 'no --enable-admission-plugins: the defaults leave it out',
      yaml: apiserver(['enable-admission-plugins']),
      findings: [{ line: 12, path: 'spec.containers[0].command', message: /no `--enable-admission-plugins`/ }],
    },
    {
      name: 'enabled, then disabled',
      yaml: apiserver([], ['--disable-admission-plugins=NodeRestriction']),
      findings: [{ line: 29, path: 'spec.containers[0].command[16]', message: /turns NodeRestriction off/ }],
    },
  ],
});
