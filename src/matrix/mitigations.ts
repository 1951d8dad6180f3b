import type { Mitigation } from './types.js';

export const mitigations: readonly Mitigation[] = [
  {
    id: 'MS-M9001',
    name: 'Multi-factor authentication',
    attack: ['M1032'],
    techniques: ['MS-TA9001'],
    summary:
      'Require multi-factor authentication for every person who can reach the cluster or its cloud account, including identity-provider logins used by kubectl through OIDC or cloud tokens. Avoid static client certificates and tokens for people, since they bypass MFA.',
  },
  {
    id: 'MS-M9002',
    name: 'Restrict access to the API server using IP firewall',
    attack: ['M1035'],
    techniques: ['MS-TA9001', 'MS-TA9003', 'MS-TA9024', 'MS-TA9029', 'MS-TA9040'],
    summary:
      "Make the API server reachable only from known networks, using the provider's authorized IP ranges, a private endpoint, or a firewall in front of self-managed control planes.",
  },
  {
    id: 'MS-M9003',
    name: 'Adhere to least-privilege principle',
    attack: ['M1018'],
    techniques: [
      'MS-TA9001',
      'MS-TA9003',
      'MS-TA9008',
      'MS-TA9011',
      'MS-TA9012',
      'MS-TA9014',
      'MS-TA9015',
      'MS-TA9019',
      'MS-TA9020',
      'MS-TA9022',
      'MS-TA9025',
      'MS-TA9026',
      'MS-TA9016',
      'MS-TA9029',
      'MS-TA9030',
      'MS-TA9035',
      'MS-TA9037',
      'MS-TA9041',
      'MS-TA9006',
    ],
    summary:
      'Give every user, group and service account only the RBAC verbs, resources and namespaces it needs, and apply the same rule to cloud roles tied to the cluster. Review broad grants such as cluster-admin, wildcards, secrets access, `pods/exec` and `nodes/proxy` regularly.',
  },
  {
    id: 'MS-M9004',
    name: 'Secure CI/CD environment',
    attack: [],
    techniques: ['MS-TA9002'],
    summary:
      'Protect the build pipeline: restrict who can change pipeline definitions, keep registry and cluster credentials out of logs and repositories, and require review before code or images reach production.',
  },
  {
    id: 'MS-M9005',
    name: 'Image assurance policy',
    attack: ['M1016', 'M1045'],
    techniques: ['MS-TA9002', 'MS-TA9004', 'MS-TA9009', 'MS-TA9034'],
    summary:
      'Decide which images may run and enforce it throughout their lifecycle: scan for vulnerabilities and malware, sign trusted builds, and allow only approved registries and digests.',
  },
  {
    id: 'MS-M9005.001',
    name: 'Gate generated images in CI/CD pipeline',
    attack: ['M1016', 'M1045'],
    techniques: ['MS-TA9002', 'MS-TA9004', 'MS-TA9009'],
    summary:
      'Scan and test images during the CI build, and fail the pipeline when vulnerabilities, embedded secrets or policy violations are found.',
  },
  {
    id: 'MS-M9005.002',
    name: 'Gate images pushed to registries',
    attack: ['M1016', 'M1045'],
    techniques: ['MS-TA9002', 'MS-TA9004', 'MS-TA9009'],
    summary:
      'Scan images when they are pushed to and while they sit in the registry, and quarantine or block pulls of images that fail policy or lack a valid signature.',
  },
  {
    id: 'MS-M9005.003',
    name: 'Gate images deployed to Kubernetes cluster',
    attack: ['M1016', 'M1045'],
    techniques: [
      'MS-TA9002',
      'MS-TA9004',
      'MS-TA9008',
      'MS-TA9009',
      'MS-TA9011',
      'MS-TA9012',
      'MS-TA9014',
      'MS-TA9018',
      'MS-TA9023',
    ],
    summary:
      'Use an admission controller such as Kyverno, Gatekeeper, ValidatingAdmissionPolicy or a signature verifier to reject pods whose images are not from approved registries, not pinned by digest or not signed.',
  },
  {
    id: 'MS-M9006',
    name: 'Enable Just In Time access to API server',
    attack: [],
    techniques: ['MS-TA9003'],
    summary:
      'Grant privileged cluster access only on request and for a limited time, through cloud just-in-time features or expiring group memberships, instead of standing admin rights.',
  },
  {
    id: 'MS-M9007',
    name: 'Network intrusion prevention',
    attack: ['M1031'],
    techniques: ['MS-TA9004'],
    summary:
      'Inspect traffic to exposed workloads with a web application firewall or intrusion prevention system at the ingress point, blocking exploit attempts before they reach pods.',
  },
  {
    id: 'MS-M9008',
    name: 'Limit access to services over network',
    attack: ['M1035'],
    techniques: ['MS-TA9005'],
    summary:
      'Expose only services that must be public: use ClusterIP for internal ones, and limit LoadBalancer and Ingress access with source ranges, private load balancers or a VPN.',
  },
  {
    id: 'MS-M9009',
    name: 'Require strong authentication to services',
    attack: [],
    techniques: ['MS-TA9005', 'MS-TA9024', 'MS-TA9030'],
    summary:
      'Require authentication on every service reachable over the network, including dashboards, kubelets and internal tools, and disable anonymous or default-credential access.',
  },
  {
    id: 'MS-M9010',
    name: 'Restrict exec commands on pods',
    attack: [],
    techniques: ['MS-TA9006', 'MS-TA9041'],
    summary:
      'Limit `pods/exec` and `pods/attach` through RBAC, and add an admission webhook that denies exec into sensitive workloads, so debugging goes through controlled break-glass paths.',
  },
  {
    id: 'MS-M9011',
    name: 'Restrict container runtime using LSM',
    attack: ['M1038', 'M1040'],
    techniques: ['MS-TA9006', 'MS-TA9007', 'MS-TA9009', 'MS-TA9010', 'MS-TA9013', 'MS-TA9039', 'MS-TA9040'],
    summary:
      'Confine containers with Linux security modules: set AppArmor or SELinux profiles and a seccomp profile (at least `RuntimeDefault`) in the pod `securityContext` to limit what processes can run, write and call.',
  },
  {
    id: 'MS-M9012',
    name: 'Remove tools from container images',
    attack: ['M1042'],
    techniques: ['MS-TA9007', 'MS-TA9039'],
    summary:
      'Build minimal images, such as distroless or scratch, without shells, package managers or network utilities, so an attacker inside a container has few tools to work with.',
  },
  {
    id: 'MS-M9013',
    name: 'Restrict over permissive containers',
    attack: ['M1038'],
    techniques: [
      'MS-TA9008',
      'MS-TA9011',
      'MS-TA9012',
      'MS-TA9013',
      'MS-TA9014',
      'MS-TA9018',
      'MS-TA9020',
      'MS-TA9026',
      'MS-TA9036',
    ],
    summary:
      'Keep containers from running with more privilege than they need: no `privileged`, host namespaces or hostPath, a non-root user, `allowPrivilegeEscalation: false` and dropped capabilities.',
  },
  {
    id: 'MS-M9014',
    name: 'Network segmentation',
    attack: ['M1030'],
    techniques: ['MS-TA9009', 'MS-TA9010', 'MS-TA9024', 'MS-TA9030', 'MS-TA9031', 'MS-TA9005', 'MS-TA9034'],
    summary:
      'Use NetworkPolicies, with a CNI that enforces them, to deny traffic by default and allow only the required flows between pods, namespaces and external endpoints.',
  },
  {
    id: 'MS-M9015',
    name: 'Avoid running management interface on containers',
    attack: ['M1042'],
    techniques: ['MS-TA9010'],
    summary:
      'Do not run SSH servers or other remote management daemons in containers; use `kubectl exec` under RBAC or ephemeral debug containers when access is needed.',
  },
  {
    id: 'MS-M9016',
    name: 'Restrict file and directory permissions',
    attack: ['M1022'],
    techniques: ['MS-TA9013', 'MS-TA9021', 'MS-TA9017'],
    summary:
      'Keep sensitive node files and directories, such as /etc/kubernetes, the static pod directory and /var/log, owned by root with minimal write permissions, and avoid mounting them into pods.',
  },
  {
    id: 'MS-M9017',
    name: 'Ensure that pods meet defined Pod Security Standards',
    attack: [],
    techniques: ['MS-TA9013', 'MS-TA9018'],
    summary:
      'Enforce the baseline or restricted Pod Security Standard with the built-in Pod Security admission by labelling namespaces `pod-security.kubernetes.io/enforce`, keeping exemptions few and explicit.',
  },
  {
    id: 'MS-M9018',
    name: 'Restricting cloud metadata API access',
    attack: ['M1035'],
    techniques: ['MS-TA9020', 'MS-TA9028', 'MS-TA9033', 'MS-TA9037'],
    summary:
      'Stop pods from reaching the cloud instance metadata service at 169.254.169.254 with NetworkPolicies or provider features, letting through only components that need it.',
  },
  {
    id: 'MS-M9019',
    name: 'Allocate specific identities to pods',
    attack: [],
    techniques: ['MS-TA9020', 'MS-TA9028'],
    summary:
      "Give workloads their own cloud identities through workload identity federation bound to Kubernetes service accounts, so pods do not share the node's identity.",
  },
  {
    id: 'MS-M9020',
    name: 'Collect logs to remote data storage',
    attack: ['M1029'],
    techniques: ['MS-TA9021', 'MS-TA9022'],
    summary:
      'Ship container logs, Kubernetes events and API-server audit logs to storage outside the cluster as they are produced, so evidence survives tampering on nodes or through the API.',
  },
  {
    id: 'MS-M9021',
    name: 'Restrict the usage of unauthenticated APIs in the cluster',
    attack: [],
    techniques: ['MS-TA9024'],
    summary:
      'Turn off anonymous access on the API server and kubelets where possible, and remove RBAC bindings that grant anything to `system:anonymous` or `system:unauthenticated`.',
  },
  {
    id: 'MS-M9022',
    name: 'Use managed secret store',
    attack: ['M1029'],
    techniques: ['MS-TA9025', 'MS-TA9027'],
    summary:
      'Keep credentials in a managed secret store such as Azure Key Vault, AWS Secrets Manager, Google Secret Manager or HashiCorp Vault, and deliver them to pods through the Secrets Store CSI driver or an equivalent.',
  },
  {
    id: 'MS-M9023',
    name: 'Remove unused secrets from the cluster',
    attack: [],
    techniques: ['MS-TA9025'],
    summary:
      'Regularly find and delete Secrets that no pod, service account or controller uses, including old service account token Secrets and stale registry credentials.',
  },
  {
    id: 'MS-M9024',
    name: 'Restrict access to etcd',
    attack: ['M1035'],
    techniques: ['MS-TA9025'],
    summary:
      'Expose etcd only to the API server, protected by mutual TLS and firewall rules, and encrypt Secrets at rest with an EncryptionConfiguration or a KMS provider.',
  },
  {
    id: 'MS-M9025',
    name: 'Disable service account auto mount',
    attack: [],
    techniques: ['MS-TA9016'],
    summary:
      'Set `automountServiceAccountToken: false` on service accounts or pod specs that do not call the Kubernetes API, so no token is mounted into their containers.',
  },
  {
    id: 'MS-M9026',
    name: 'Avoid using plain text credentials',
    attack: [],
    techniques: ['MS-TA9027'],
    summary:
      'Do not put passwords, keys or tokens in pod `env` values, ConfigMaps, images or manifests in Git; reference Secrets or an external secret store instead.',
  },
  {
    id: 'MS-M9027',
    name: 'Use NodeRestriction admission controller',
    attack: [],
    techniques: ['MS-TA9030'],
    summary:
      'Enable the NodeRestriction admission plugin on the API server (`--enable-admission-plugins`) so each kubelet can modify only its own Node object and the pods bound to it.',
  },
  {
    id: 'MS-M9028',
    name: 'Use CNIs that are not prone to ARP poisoning',
    attack: [],
    techniques: ['MS-TA9036'],
    summary:
      'Choose a CNI plugin that routes at layer 3 and prevents ARP and IP spoofing between pods, and drop NET_RAW from containers.',
  },
  {
    id: 'MS-M9029',
    name: 'Set requests and limits for containers',
    attack: [],
    techniques: ['MS-TA9040'],
    summary:
      'Set CPU and memory requests and limits on every container, and enforce defaults and caps per namespace with LimitRange and ResourceQuota.',
  },
  {
    id: 'MS-M9030',
    name: 'Use cloud storage provider',
    attack: [],
    techniques: ['MS-TA9038'],
    summary:
      'Keep persistent data in managed cloud storage services or cloud-backed volumes with snapshots, rather than on node-local disks that disappear with a node or pod.',
  },
  {
    id: 'MS-M9031',
    name: 'Implement data backup strategy',
    attack: ['M1053'],
    techniques: ['MS-TA9038'],
    summary:
      'Back up cluster objects or etcd and persistent volumes on a schedule to a location attackers in the cluster cannot delete, and test restores.',
  },
  {
    id: 'MS-M9032',
    name: 'Avoid using web-hosted manifest for Kubelet',
    attack: [],
    techniques: ['MS-TA9017'],
    summary:
      'Configure kubelets to read static pods only from a local directory and leave `staticPodURL` unset, so no one can swap a manifest on a web server.',
  },
];
