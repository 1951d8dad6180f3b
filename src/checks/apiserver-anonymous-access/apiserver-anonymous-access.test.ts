import { apiserver, mirrorApiserver } from '../control-plane.fixtures.js';
import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    { name: 'a hardened kubeadm API server', yaml: apiserver([]) },
    {
      name: 'anonymous access left to an --authentication-config file, which is on the node',
      yaml: apiserver(['anonymous-auth'], ['--authentication-config=/etc/kubernetes/authn.yaml']),
    },
    { name: 'the insecure port turned off', yaml: apiserver([], ['--insecure-port=0']) },
    {
      name: 'a shell in the kube-apiserver image is not an API server',
      yaml: `apiVersion: batch/v1
kind: Job
metadata: {name: version-probe, namespace: kube-system}
spec:
  template:
    spec:
      containers:
      - name: backup
        image: registry.k8s.io/kube-apiserver:v1.30.2
        command: [sh, -c, "kube-apiserver --version"]
`,
    },
  ],
  invalid: [
    {
      name: '--anonymous-auth not set: it defaults to true (kubeadm does not set it)',
      yaml: apiserver(['anonymous-auth']),
      findings: [
        {
          line: 12,
          path: 'spec.containers[0].command',
          techniques: ['MS-TA9005', 'MS-TA9029'],
          mitigations: ['MS-M9009'],
          severity: 'medium',
          message: /`--anonymous-auth` is not set and defaults to true/,
        },
      ],
    },
    {
      name: 'explicitly true, in a mirror pod of a cluster dump; the last occurrence wins',
      yaml: mirrorApiserver(['--anonymous-auth=false', '--authorization-mode=Node,RBAC', '--anonymous-auth=true']),
      findings: [{ line: 25, path: 'spec.containers[0].command[3]', message: /`--anonymous-auth` is not false/ }],
    },
    {
      name: 'an insecure port on the loopback address, and on every address',
      yaml: `${apiserver([], ['--insecure-port=8080'])}---
${apiserver([], ['--insecure-port', '"8080"', '--insecure-bind-address=0.0.0.0'])}`,
      findings: [
        { line: 29, path: 'spec.containers[0].command[16]', severity: 'high', message: /loopback address/ },
        { line: 59, path: 'spec.containers[0].command[16]', severity: 'critical', message: /non-loopback/ },
      ],
    },
  ],
});
