import { testCheck } from '../tester.js';
import check from './index.js';

testCheck(check, {
  valid: [
    {
      name: "the Dashboard's own bindings to its own roles",
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: kubernetes-dashboard, namespace: kubernetes-dashboard}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: kubernetes-dashboard}
subjects:
- {kind: ServiceAccount, name: kubernetes-dashboard, namespace: kubernetes-dashboard}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: kubernetes-dashboard-api}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kubernetes-dashboard-api}
subjects:
- {kind: ServiceAccount, name: kubernetes-dashboard-api, namespace: kubernetes-dashboard}
`,
    },
    {
      name: 'Tiller and the Docker API bound to the loopback interface only',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: tiller-deploy, namespace: kube-system}
spec:
  template:
    spec:
      containers:
      - name: tiller
        image: gcr.io/kubernetes-helm/tiller:v2.16.12
        command: [/tiller, --storage=secret, --listen=localhost:44134]
        ports:
        - containerPort: 44134
      - name: tiller-v4
        image: gcr.io/kubernetes-helm/tiller:v2.16.12
        args: [--listen, 127.0.0.1:44134]
      - name: docker
        image: ghcr.io/acme/builder:1.0
        command: [dockerd, --host=unix:///var/run/docker.sock, -H, "tcp://[::1]:2375"]
`,
    },
    {
      name: 'an outside-facing Service without workload that names no interface',
      yaml: `
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: web}
spec:
  type: LoadBalancer
  selector: {app: shop}
  ports:
  - {port: 443, targetPort: 8443}
`,
    },
    {
      name: "the dashboard's metrics scraper, Argo CD's repo server and the argo CLI are not UIs",
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: tools, namespace: argocd}
spec:
  containers:
  - name: scraper
    image: kubernetesui/metrics-scraper:v1.0.9
  - name: repo-server
    image: quay.io/argoproj/argocd:v2.12.0
    command: [argocd-repo-server]
  - name: submit
    image: quay.io/argoproj/argocli:v3.5.0
    args: [submit, --watch, /workflows/ci.yaml]
  - name: loki
    image: grafana/loki:3.1.0
    ports:
    - containerPort: 3100
`,
    },
    {
      name: "the Dashboard's metrics scrapers share its account but serve nothing; its account's name elsewhere means nothing",
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: dashboard-metrics-scraper, namespace: kubernetes-dashboard}
spec:
  template:
    spec:
      serviceAccountName: kubernetes-dashboard
      containers:
      - {name: scraper, image: kubernetesui/metrics-scraper:v1.0.9}
      - {name: scraper-v7, image: docker.io/kubernetesui/dashboard-metrics-scraper:1.2.1}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, namespace: apps}
spec:
  template:
    spec:
      serviceAccountName: kubernetes-dashboard
      containers:
      - {name: shop, image: acme/shop:1.0}
`,
    },
    {
      name: 'generic ports (9090, 8888, 3000) on an unknown image',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
      - name: api
        image: ghcr.io/acme/api:1.0
        ports:
        - {containerPort: 9090}
        - {containerPort: 8888}
        - {containerPort: 3000}
`,
    },
  ],
  invalid: [
    {
      name: 'dashboard with only a ClusterIP Service: medium, at the image',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: kubernetes-dashboard, namespace: kubernetes-dashboard}
spec:
  template:
    metadata: {labels: {k8s-app: kubernetes-dashboard}}
    spec:
      containers:
      - name: kubernetes-dashboard
        image: kubernetesui/dashboard:v2.7.0
        ports:
        - containerPort: 8443
---
apiVersion: v1
kind: Service
metadata: {name: kubernetes-dashboard, namespace: kubernetes-dashboard}
spec:
  selector: {k8s-app: kubernetes-dashboard}
  ports:
  - {port: 443, targetPort: 8443}
`,
      findings: [
        {
          line: 11,
          column: 9,
          techniques: ['MS-TA9005'],
          severity: 'medium',
          path: 'spec.template.spec.containers[0].image',
          message: /'kubernetes-dashboard' runs the Kubernetes Dashboard, reachable from inside the cluster/,
        },
      ],
    },
    {
      name: 'old dashboard image behind a NodePort: high',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: dashboard, namespace: kube-system}
spec:
  template:
    metadata: {labels: {app: dashboard}}
    spec:
      containers:
      - name: dashboard
        image: k8s.gcr.io/kubernetes-dashboard-amd64:v1.10.1
---
apiVersion: v1
kind: Service
metadata: {name: dashboard, namespace: kube-system}
spec:
  type: NodePort
  selector: {app: dashboard}
  ports:
  - {port: 443, targetPort: 8443, nodePort: 30443}
`,
      findings: [{ line: 11, severity: 'high', message: /through NodePort Service 'dashboard'/ }],
    },
    {
      name: 'Jupyter behind an Ingress routing to a ClusterIP Service by port name: high',
      yaml: `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: lab, namespace: ds}
spec:
  template:
    metadata: {labels: {app: lab}}
    spec:
      containers:
      - name: lab
        image: quay.io/jupyter/scipy-notebook:2024-07-29
        ports:
        - {name: http, containerPort: 8888}
---
apiVersion: v1
kind: Service
metadata: {name: lab, namespace: ds}
spec:
  selector: {app: lab}
  ports:
  - {name: web, port: 80, targetPort: http}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: lab, namespace: ds}
spec:
  rules:
  - host: lab.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: lab, port: {name: web}}
`,
      findings: [{ line: 11, severity: 'high', message: /Jupyter, .* through Ingress 'lab' \(Service 'lab'\)/ }],
    },
    {
      name: 'Ingress to another port of the Service does not expose the interface',
      yaml: `
apiVersion: v1
kind: Pod
metadata:
  name: grafana
  labels: {app: grafana}
spec:
  containers:
  - name: grafana
    image: grafana/grafana:11.1.0
  - name: auth-proxy
    image: quay.io/oauth2-proxy/oauth2-proxy:v7.6.0
    ports:
    - containerPort: 4180
---
apiVersion: v1
kind: Service
metadata: {name: grafana}
spec:
  selector: {app: grafana}
  ports:
  - {name: direct, port: 3000}
  - {name: proxied, port: 80, targetPort: 4180}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: grafana}
spec:
  defaultBackend:
    service: {name: grafana, port: {number: 80}}
`,
      findings: [{ line: 10, severity: 'medium', message: /'grafana' runs Grafana/ }],
    },
    {
      name: 'Argo servers recognised by image and command',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: argo}
spec:
  containers:
  - name: argocd-server
    image: quay.io/argoproj/argocd:v2.12.0
    args: [/usr/local/bin/argocd-server, --insecure]
  - name: argo-server
    image: quay.io/argoproj/argocli:v3.5.0
    args: [server, --auth-mode=server]
`,
      findings: [
        { line: 8, message: /'argocd-server' runs the Argo CD server/ },
        { line: 11, message: /'argo-server' runs the Argo Workflows server/ },
      ],
    },
    {
      name: 'dockerd on TCP, by command; etcd and Tiller by port alone',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: infra}
spec:
  containers:
  - name: docker
    image: ghcr.io/acme/builder:1.0
    command: [dockerd, --host=unix:///var/run/docker.sock, -H, tcp://0.0.0.0:2375]
  - name: store
    image: ghcr.io/acme/store:1.0
    ports:
    - containerPort: 2379
  - name: helm
    image: ghcr.io/acme/helm:2.0
    ports:
    - containerPort: 44134
  - name: tiller
    image: registry.cn-hangzhou.aliyuncs.com/google_containers/tiller:v2.16.9
`,
      findings: [
        { line: 9, path: 'spec.containers[0].command[2]', message: /Docker Engine API/ },
        { line: 13, path: 'spec.containers[1].ports[0].containerPort', message: /runs etcd/ },
        { line: 17, message: /'helm' runs Helm Tiller/ },
        { line: 19, path: 'spec.containers[3].image', message: /'tiller' runs Helm Tiller/ },
      ],
    },
    {
      name: 'docker:dind image behind a LoadBalancer on 2376 without declared ports',
      yaml: `
apiVersion: v1
kind: Pod
metadata:
  name: dind
  labels: {app: dind}
spec:
  containers:
  - name: dind
    image: docker:27-dind
---
apiVersion: v1
kind: Service
metadata: {name: dind}
spec:
  type: LoadBalancer
  selector: {app: dind}
  ports:
  - port: 2376
`,
      findings: [{ line: 10, severity: 'high', message: /Docker Engine API, .* LoadBalancer Service 'dind'/ }],
    },
    {
      name: "the Dashboard bound to cluster-admin: as severe as its account's power, which the message names",
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: kubernetes-dashboard, namespace: kubernetes-dashboard}
spec:
  template:
    spec:
      serviceAccountName: kubernetes-dashboard
      containers:
      - name: kubernetes-dashboard
        image: kubernetesui/dashboard:v2.7.0
        args: [--enable-skip-login]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: kubernetes-dashboard-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: kubernetes-dashboard, namespace: kubernetes-dashboard}
`,
      findings: [
        {
          line: 11,
          techniques: ['MS-TA9005'],
          severity: 'critical',
          path: 'spec.template.spec.containers[0].image',
          message:
            "container 'kubernetes-dashboard' runs the Kubernetes Dashboard, reachable from inside the cluster, acting as ServiceAccount kubernetes-dashboard/kubernetes-dashboard, which can do anything (`*` verbs on `*` resources of `*` API groups) cluster-wide (ClusterRoleBinding kubernetes-dashboard-admin → ClusterRole cluster-admin)",
        },
      ],
    },
    {
      name: 'a mirrored Dashboard image, known by its account in kube-system, behind a NodePort',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: console, namespace: kube-system}
spec:
  template:
    metadata: {labels: {app: console}}
    spec:
      serviceAccountName: kubernetes-dashboard
      containers:
      - {name: console, image: registry.example.com/ui/console:2.7}
---
apiVersion: v1
kind: Service
metadata: {name: console, namespace: kube-system}
spec:
  type: NodePort
  selector: {app: console}
  ports:
  - {port: 443, targetPort: 8443}
`,
      findings: [
        {
          line: 9,
          techniques: ['MS-TA9005'],
          severity: 'high',
          path: 'spec.template.spec.serviceAccountName',
          message:
            "Deployment 'console' serves the Kubernetes Dashboard, reachable from outside the cluster through NodePort Service 'console', acting as ServiceAccount kube-system/kubernetes-dashboard (the Kubernetes Dashboard's account)",
        },
      ],
    },
    {
      name: "an account bound to the Dashboard's role is the Dashboard's, and its power is named",
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: ui, namespace: tools}
spec:
  serviceAccountName: web-ui
  containers:
  - {name: ui, image: acme/ui:3}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: kubernetes-dashboard, namespace: tools}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: kubernetes-dashboard, namespace: tools}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: kubernetes-dashboard}
subjects:
- {kind: ServiceAccount, name: web-ui}
`,
      findings: [
        {
          line: 6,
          techniques: ['MS-TA9005'],
          severity: 'medium',
          path: 'spec.serviceAccountName',
          message:
            /^Pod 'ui' serves the Kubernetes Dashboard, reachable from inside the cluster, acting as ServiceAccount tools\/web-ui \(bound to the Kubernetes Dashboard's Role tools\/kubernetes-dashboard by RoleBinding tools\/kubernetes-dashboard\), which can read secrets in namespace tools/,
        },
      ],
    },
    {
      name: "without its token mounted, the Dashboard cannot act as its account's power",
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: dashboard, namespace: kubernetes-dashboard}
spec:
  serviceAccountName: kubernetes-dashboard
  automountServiceAccountToken: false
  containers:
  - {name: dashboard, image: kubernetesui/dashboard-web:1.6.0}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dashboard-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: kubernetes-dashboard, namespace: kubernetes-dashboard}
`,
      findings: [
        {
          line: 9,
          severity: 'medium',
          message:
            /Dashboard, reachable from inside the cluster, acting as ServiceAccount kubernetes-dashboard\/kubernetes-dashboard$/,
        },
      ],
    },
    {
      name: 'Grafana behind a Gateway API HTTPRoute, a kubelet port behind externalIPs: high; a mesh-only route exposes nothing',
      yaml: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: grafana, namespace: monitoring}
spec:
  template:
    metadata: {labels: {app: grafana}}
    spec:
      containers:
      - name: grafana
        image: grafana/grafana:11.1.0
      - name: node-api
        image: ghcr.io/acme/agent:1.0
        ports:
        - containerPort: 10250
---
apiVersion: v1
kind: Service
metadata: {name: grafana, namespace: monitoring}
spec:
  selector: {app: grafana}
  ports:
  - {name: http, port: 80, targetPort: 3000}
---
apiVersion: v1
kind: Service
metadata: {name: agent, namespace: monitoring}
spec:
  selector: {app: grafana}
  externalIPs: [203.0.113.10]
  ports:
  - {port: 10250}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: mesh, namespace: monitoring}
spec:
  parentRefs:
  - {group: "", kind: Service, name: grafana}
  rules:
  - backendRefs:
    - {name: grafana, port: 80}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: grafana, namespace: monitoring}
spec:
  parentRefs:
  - {name: public, namespace: gateways}
  rules:
  - backendRefs:
    - {name: grafana, port: 80}
`,
      findings: [
        {
          line: 11,
          severity: 'high',
          message:
            "container 'grafana' runs Grafana, reachable from outside the cluster through HTTPRoute 'grafana' on Gateway 'gateways/public' (Service 'grafana')",
        },
        {
          line: 15,
          severity: 'high',
          path: 'spec.template.spec.containers[1].ports[0].containerPort',
          message:
            /'node-api' runs the kubelet API, reachable from outside the cluster through ClusterIP Service 'agent' with externalIPs/,
        },
      ],
    },
    {
      name: 'decoys: Tiller listening on every address, or on a host merely named like localhost',
      yaml: `
apiVersion: v1
kind: Pod
metadata: {name: tiller}
spec:
  containers:
  - name: all
    image: gcr.io/kubernetes-helm/tiller:v2.16.12
    command: [/tiller, --listen=:44134]
  - name: named
    image: gcr.io/kubernetes-helm/tiller:v2.16.12
    command: [/tiller, --listen=localhost.attacker.example:44134]
  - name: both
    image: gcr.io/kubernetes-helm/tiller:v2.16.12
    command: [/tiller, --listen=localhost:44134, --listen=0.0.0.0:44135]
`,
      findings: [
        { line: 8, message: /'all' runs Helm Tiller/ },
        { line: 11, message: /'named' runs Helm Tiller/ },
        { line: 14, message: /'both' runs Helm Tiller/ },
      ],
    },
    {
      name: "outside-facing Services whose workloads are elsewhere: the Dashboard's by name, Tiller and the kubelet by port",
      yaml: `
apiVersion: v1
kind: Service
metadata: {name: kubernetes-dashboard, namespace: kubernetes-dashboard}
spec:
  type: NodePort
  selector: {k8s-app: kubernetes-dashboard}
  ports:
  - {port: 443, targetPort: 8443}
---
apiVersion: v1
kind: Service
metadata: {name: tiller-deploy, namespace: kube-system}
spec:
  type: LoadBalancer
  selector: {app: helm}
  ports:
  - {port: 44134}
---
apiVersion: v1
kind: Service
metadata: {name: kubelet, namespace: ops}
spec:
  externalIPs: [203.0.113.10]
  ports:
  - {port: 443, targetPort: 10250}
`,
      findings: [
        {
          line: 4,
          severity: 'high',
          techniques: ['MS-TA9005'],
          message:
            /^NodePort Service 'kubernetes-dashboard' exposes the Kubernetes Dashboard outside the cluster, and its selector \(k8s-app=kubernetes-dashboard\) matches no workload in the input$/,
        },
        {
          line: 18,
          path: 'spec.ports[0].port',
          severity: 'high',
          message: /LoadBalancer Service 'tiller-deploy' exposes Helm Tiller/,
        },
        {
          line: 26,
          path: 'spec.ports[0].targetPort',
          message: /ClusterIP Service 'kubelet' with externalIPs exposes the kubelet API .* it has no selector/,
        },
      ],
    },
    {
      name: 'RBAC into the Dashboard: its account made cluster-admin, a user bound to its role, a decoy account of another namespace',
      yaml: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dashboard-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: kubernetes-dashboard, namespace: kubernetes-dashboard}
- {kind: ServiceAccount, name: kubernetes-dashboard, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-dashboard, namespace: kubernetes-dashboard}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: kubernetes-dashboard}
subjects:
- {kind: User, name: alice}
`,
      findings: [
        {
          line: 5,
          path: 'roleRef',
          severity: 'critical',
          techniques: ['MS-TA9005'],
          message:
            /^ServiceAccount kubernetes-dashboard\/kubernetes-dashboard, the Kubernetes Dashboard's account, is bound to ClusterRole cluster-admin by ClusterRoleBinding dashboard-admin: whoever reaches the Dashboard acts with it, and can do anything/,
        },
        {
          line: 15,
          path: 'subjects[0]',
          severity: 'medium',
          message:
            /^User alice is bound to the Kubernetes Dashboard's Role kubernetes-dashboard by RoleBinding kubernetes-dashboard\/alice-dashboard: it holds the access meant for the Dashboard alone$/,
        },
      ],
    },
  ],
});
