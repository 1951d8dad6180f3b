import { testCheck } from '../tester.js';
import check from './index.js';

const WEB = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ghcr.io/acme/web:1.0
        ports:
        - {name: http, containerPort: 8080}
`;

testCheck(check, {
  valid: [
    {
      name: 'a ClusterIP Service selecting nothing exposes nothing outside',
      yaml: `
apiVersion: v1
kind: Service
metadata: {name: cache, namespace: shop}
spec:
  selector: {app: cache}
  ports:
  - {port: 6379}
`,
    },
    {
      name: 'ClusterIP only, reached by a mesh route whose parent is a Service and a route to another Service port',
      yaml: `${WEB}---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: mesh, namespace: shop}
spec:
  parentRefs:
  - {group: "", kind: Service, name: web, port: 80}
  rules:
  - backendRefs:
    - {name: web, port: 80}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: grpc, namespace: shop}
spec:
  parentRefs:
  - {name: public}
  rules:
  - backendRefs:
    - {name: web, port: 9090}
`,
    },
  ],
  invalid: [
    {
      name: 'Services selecting no workload of the input: one whose pods live elsewhere, another namespace, none at all',
      yaml: `${WEB}---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: api}
  ports:
  - {port: 443, targetPort: 8443}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: other}
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - {port: 80}
---
apiVersion: v1
kind: Service
metadata: {name: external-db, namespace: shop}
spec:
  type: LoadBalancer
  ports:
  - {port: 5432}
`,
      // The workload in shop is no Service's: each Service is an entry point of its own.
      findings: [
        {
          line: 20,
          techniques: ['MS-TA9004'],
          severity: 'info',
          path: 'spec.type',
          message:
            /^LoadBalancer Service 'api' is reachable from outside the cluster, and its selector \(app=api\) matches no workload in the input: whatever serves it is an entry point$/,
        },
        {
          line: 29,
          path: 'spec.type',
          message: /^NodePort Service 'web' is reachable .* its selector \(app=web\) matches no workload/,
        },
        {
          line: 38,
          path: 'spec.type',
          message: /LoadBalancer Service 'external-db' .* it has no selector: its endpoints are set outside the input/,
        },
      ],
    },
    {
      name: 'one finding per workload, every route as evidence: LoadBalancer, Ingress and HTTPRoute',
      yaml: `${WEB}---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: http}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: web, port: {name: http}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs:
  - {name: public, namespace: gateways}
  rules:
  - matches:
    - path: {type: PathPrefix, value: /}
    backendRefs:
    - {name: web, port: 80}
`,
      findings: [
        {
          line: 8,
          techniques: ['MS-TA9004'],
          mitigations: [],
          severity: 'info',
          path: 'spec.template.metadata.labels',
          message:
            "Deployment 'web' is reachable from outside the cluster through LoadBalancer Service 'web', Ingress 'web' (Service 'web'), HTTPRoute 'web' on Gateway 'gateways/public' (Service 'web'): an entry point",
          evidence: [
            { type: 'service', line: 20 },
            { type: 'service', line: 34 },
            { type: 'service', line: 47 },
          ],
        },
      ],
    },
    {
      name: 'externalIPs on a ClusterIP Service; a GRPCRoute through the default Gateway group and kind',
      yaml: `
apiVersion: v1
kind: Pod
metadata:
  name: api
  labels: {app: api}
spec:
  containers:
  - {name: api, image: ghcr.io/acme/api:1.0}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  externalIPs: [198.51.100.7]
  ports:
  - {port: 9090}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: api}
spec:
  parentRefs:
  - {name: internal}
  rules:
  - backendRefs:
    - {name: api, port: 9090}
`,
      findings: [
        {
          line: 6,
          path: 'metadata.labels',
          message:
            "Pod 'api' is reachable from outside the cluster through ClusterIP Service 'api' with externalIPs, GRPCRoute 'api' on Gateway 'internal' (Service 'api'): an entry point",
          evidence: [
            { type: 'service', line: 16 },
            { type: 'service', line: 28 },
          ],
        },
      ],
    },
  ],
});
