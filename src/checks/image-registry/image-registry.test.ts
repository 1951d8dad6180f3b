import { testCheck } from '../tester.js';
import check from './index.js';

const POD = (image: string) => `
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: ${image}
`;

testCheck(check, {
  valid: [
    { name: 'not configured: reports nothing', yaml: POD('evil.example.net/miner:1.0') },
    {
      name: 'registry allowed by host',
      yaml: POD('registry.example.com/team/web:1.0'),
      options: { allowed: ['registry.example.com'] },
    },
    {
      name: 'repository allowed by prefix, trailing slash optional, case-insensitive host',
      yaml: POD('GHCR.io/acme/tools/web:1.0'),
      options: { allowed: ['ghcr.io/acme/'] },
    },
    {
      name: "Docker Hub official image, written without 'library/'",
      yaml: POD('nginx:1.27'),
      options: { allowed: ['docker.io/library'] },
    },
    {
      name: 'Docker Hub allowed under another of its names, with a trailing slash',
      yaml: POD('bitnami/redis:7.2'),
      options: { allowed: ['Index.Docker.io/bitnami/'] },
    },
  ],
  invalid: [
    {
      name: 'registry not listed, at the image field',
      yaml: POD('quay.io/acme/web:1.0'),
      options: { allowed: ['registry.example.com', 'ghcr.io/acme/'] },
      findings: [
        {
          line: 8,
          column: 5,
          techniques: ['MS-TA9002'],
          mitigations: ['MS-M9005.003'],
          severity: 'high',
          path: 'spec.containers[0].image',
          message: /'web'.*quay\.io\/acme\/web/,
        },
      ],
    },
    {
      name: 'a prefix matches whole path segments only',
      yaml: POD('ghcr.io/acme-forks/web:1.0'),
      options: { allowed: ['ghcr.io/acme'] },
      findings: [{ line: 8, message: /ghcr\.io\/acme-forks\/web/ }],
    },
    {
      name: "a host entry is not a look-alike host's prefix",
      yaml: POD('registry.example.com.evil.net/web:1.0'),
      options: { allowed: ['registry.example.com'] },
      findings: [{ line: 8 }],
    },
    {
      name: 'Docker Hub user image when only official images are allowed; each container',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
      - name: init
        image: busybox:1.36
      containers:
      - name: web
        image: someone/nginx:1.27
      - name: sidecar
        image: docker.io/someone/proxy:1.0
`,
      options: { allowed: ['docker.io/library'] },
      findings: [
        { line: 13, message: /'web'.*docker\.io\/someone\/nginx/ },
        { line: 15, message: /'sidecar'/ },
      ],
    },
  ],
});
