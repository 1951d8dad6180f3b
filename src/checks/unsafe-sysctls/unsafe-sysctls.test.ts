import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: 'safe sysctls, with dots or slashes',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  securityContext:
    sysctls:
    - {name: net.ipv4.ip_local_port_range, value: "1024 65535"}
    - {name: net/ipv4/tcp_keepalive_time, value: "600"}
    - {name: kernel.shm_rmid_forced, value: "1"}
    - {name: net.ipv4.tcp_rmem, value: "4096 87380 16777216"}
  containers:
  - name: web
`,
    },
  ],
  invalid: [
    {
      name: 'each unsafe sysctl at its entry',
      yaml: `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  template:
    spec:
      securityContext:
        sysctls:
        - name: net.core.somaxconn
          value: "1024"
        - name: net.ipv4.tcp_syncookies
          value: "1"
        - name: vm.overcommit_memory
          value: "1"
      containers:
      - name: redis
`,
      findings: [
        {
          line: 10,
          column: 11,
          path: 'spec.template.spec.securityContext.sysctls[0].name',
          techniques: [],
          mitigations: ['MS-M9017'],
          severity: 'medium',
          message: /'net.core.somaxconn'/,
        },
        { line: 14, path: 'spec.template.spec.securityContext.sysctls[2].name', message: /'vm.overcommit_memory'/ },
      ],
    },
  ],
});
