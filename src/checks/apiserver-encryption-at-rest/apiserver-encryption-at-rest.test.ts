import { apiserver, mirrorApiserver } from '../control-plane.fixtures.js';
import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [{ name: 'an EncryptionConfiguration', yaml: apiserver([]) }],
  invalid: [
    {
      name: 'no --encryption-provider-config (kubeadm sets none)',
      yaml: apiserver(['encryption-provider-config']),
      findings: [
        {
          line: 12,
          path: 'spec.containers[0].command',
          techniques: ['MS-TA9025'],
          mitigations: ['MS-M9024'],
          message: /Secrets are stored in etcd in plain text/,
        },
      ],
    },
    {
      name: 'an empty value in a mirror pod',
      yaml: mirrorApiserver(['--encryption-provider-config=']),
      findings: [{ line: 21, path: 'spec.containers[0].command' }],
    },
  ],
});
