import type { Technique } from './types.js';

export const techniques: readonly Technique[] = [
  {
    id: 'MS-TA9001',
    name: 'Using cloud credentials',
    tactics: ['InitialAccess'],
    attack: ['T1078.004'],
    summary:
      "An attacker holding credentials for the cloud account behind a managed cluster (AKS, EKS, GKE) uses the provider's API to obtain a working kubeconfig, e.g. with `az aks get-credentials` or `aws eks update-kubeconfig`. Because cloud identities map onto Kubernetes users and groups, owning the cloud account means owning the cluster. Leaked keys, phished passwords and broad cloud roles are the usual way in.",
    detection: {
      signals: ['rbac', 'audit', 'question'],
      text: 'Fetching cluster credentials is recorded by the cloud control plane, not by Kubernetes, so this is mostly for the organization to answer. kubematrix reports the users and groups, cloud-mapped ones included, that RBAC binds to cluster-admin or other broad power (see MS-TA9019).',
      question:
        'Do all cloud identities that can fetch cluster credentials require MFA, and are those credential retrievals logged and reviewed?',
    },
    mitigations: [
      {
        id: 'MS-M9001',
        action:
          'Require MFA for every cloud identity that can download cluster credentials or manage the cluster resource.',
      },
      {
        id: 'MS-M9002',
        action:
          'Limit the API server endpoint to known IP ranges or a private endpoint so stolen cloud credentials cannot be used from arbitrary networks.',
      },
      {
        id: 'MS-M9003',
        action:
          'Allow only a few people to fetch admin kubeconfigs, and bind cloud-mapped groups to narrow Kubernetes roles instead of cluster-admin.',
      },
    ],
  },
  {
    id: 'MS-TA9002',
    name: 'Compromised image In registry',
    tactics: ['InitialAccess'],
    attack: ['T1195.002', 'T1525'],
    summary:
      "The attacker places a backdoored image in a registry the cluster pulls from, by pushing with stolen registry credentials or publishing a lookalike on a public registry. When a workload references it, the kubelet pulls the image and runs the attacker's code with the pod's service account, volumes and network access. Mutable tags such as `latest` let that content be swapped silently.",
    detection: {
      signals: ['manifest', 'cluster', 'question'],
      text: 'kubematrix reads the `image` fields of workloads and flags images outside the registries you allow and references by mutable tag rather than `@sha256:` digest. Who can push to the registry is outside what Kubernetes records.',
      question:
        'Who can push images to the registries your clusters pull from, and are images scanned and signed before they are deployed?',
    },
    mitigations: [
      {
        id: 'MS-M9004',
        action:
          'Protect the build pipeline and registry push credentials so only reviewed pipelines can publish images that clusters will run.',
      },
      {
        id: 'MS-M9005',
        action: 'Scan and sign images, and admit only signed images from approved registries, referenced by digest.',
      },
    ],
  },
  {
    id: 'MS-TA9003',
    name: 'Kubeconfig file',
    tactics: ['InitialAccess'],
    attack: [],
    summary:
      "A kubeconfig file holds the API server address plus client certificates, bearer tokens or exec plugin settings. An attacker who copies one from a laptop, CI runner, backup or public repository runs kubectl against the cluster with that identity's rights. Admin kubeconfigs from cluster setup, such as /etc/kubernetes/admin.conf, are prized: their certificates are hard to revoke and often grant full control.",
    detection: {
      signals: ['rbac', 'audit', 'question'],
      text: 'The theft happens off the cluster, so the organization has to say where kubeconfigs live. kubematrix shows what each identity could do through RBAC (`kubematrix rbac subject`), bindings to cluster-admin included.',
      question:
        'Where are kubeconfig files with embedded certificates or tokens stored, and could you revoke a leaked one quickly?',
    },
    mitigations: [
      {
        id: 'MS-M9002',
        action:
          'Restrict the API server endpoint to trusted networks so a leaked kubeconfig cannot be used from outside them.',
      },
      {
        id: 'MS-M9003',
        action:
          'Hand out kubeconfigs for narrowly scoped identities and never distribute admin kubeconfigs or long-lived cluster-admin certificates.',
      },
      {
        id: 'MS-M9006',
        action:
          'Use just-in-time elevation so identities in kubeconfigs hold privileged rights only for a short, approved window.',
      },
    ],
  },
  {
    id: 'MS-TA9004',
    name: 'Application vulnerability',
    tactics: ['InitialAccess'],
    attack: ['T1190'],
    summary:
      "An application running in the cluster and reachable from outside has an exploitable flaw, such as remote code execution, SSRF or unsafe deserialization, and the attacker uses it to gain a foothold in its pod. From there they inherit the pod's service account token, mounted secrets and network position. The exposure usually comes through a `LoadBalancer` or `NodePort` Service or an Ingress route.",
    detection: {
      signals: ['manifest', 'question'],
      text: 'Whether applications contain known vulnerabilities depends on the image scanning and runtime protection the organization operates; kubematrix flags mutable tags and unapproved registries, which make scanned images hard to trust. kubematrix lists every workload reachable from outside the cluster through `LoadBalancer` and `NodePort` Services, `externalIPs`, Ingress rules and Gateway API routes as an entry point (info), with the routes as evidence.',
      question:
        'Are images of externally exposed workloads scanned for known vulnerabilities, and does a WAF or similar filter sit in front of them?',
    },
    mitigations: [
      {
        id: 'MS-M9005',
        action:
          'Scan images of exposed workloads for vulnerable packages and block deployment of images with critical, fixable findings.',
      },
      {
        id: 'MS-M9007',
        action:
          'Put a web application firewall or intrusion prevention in front of Ingress and LoadBalancer endpoints to drop exploit traffic.',
      },
    ],
  },
  {
    id: 'MS-TA9005',
    name: 'Exposed sensitive interfaces',
    tactics: ['InitialAccess', 'Discovery'],
    attack: ['T1133'],
    summary:
      "Management tools such as the Kubernetes Dashboard, Argo CD, Jupyter notebooks, Kubeflow or Apache NiFi are reachable from the internet without strong authentication. An attacker who finds one uses the tool's own features to deploy workloads, read secrets or run code in the cluster. The exposure typically comes from a `LoadBalancer` or `NodePort` Service or an Ingress routing to the tool.",
    detection: {
      signals: ['manifest', 'audit', 'question'],
      text: 'kubematrix recognises well-known management interfaces (Dashboard, Argo CD, Jupyter and similar) by image, command or port, raises those that `LoadBalancer` or `NodePort` Services, `externalIPs`, Ingress rules or Gateway API routes expose, and for the Kubernetes Dashboard names the service account it acts as and what that account may do. It also flags `hostPort` and RBAC grants to anonymous users; in audit logs, `kubematrix audit` reports anonymous requests the API server served (`anonymous-request`). Whether each endpoint enforces authentication or sits behind a firewall is for the organization to confirm.',
      question:
        'Which management interfaces in the cluster are reachable from the internet, and does each one require strong authentication?',
    },
    mitigations: [
      {
        id: 'MS-M9008',
        action:
          'Keep dashboards and management tools on ClusterIP Services reached through a VPN or `kubectl port-forward`, and set `loadBalancerSourceRanges` where exposure is unavoidable.',
      },
      {
        id: 'MS-M9009',
        action:
          'Put management interfaces behind SSO or an authenticating proxy and disable anonymous or skip-login modes.',
      },
      {
        id: 'MS-M9014',
        action:
          'Use NetworkPolicies so management pods accept traffic only from admin namespaces or the ingress controller.',
      },
    ],
  },
  {
    id: 'MS-TA9006',
    name: 'Exec into container',
    tactics: ['Execution'],
    attack: ['T1609'],
    summary:
      "With `create` on the `pods/exec` subresource (older clusters also accept `get`), an attacker runs arbitrary commands in an existing container, for example `kubectl exec -it <pod> -- sh`. The commands run with the container's user, file system, mounted secrets and network access. No new object is created, which makes this a quiet way to execute code in a workload.",
    detection: {
      signals: ['rbac', 'audit'],
      text: "kubematrix lists subjects whose RBAC allows `create` or `get` on `pods/exec` or `pods/attach`, adds ephemeral containers, or reaches the kubelet's exec endpoint through `nodes/proxy`. Interactive exec by people into production workloads deserves attention. In audit logs, `kubematrix audit` reports every exec and attach into a pod (`pod-exec`), and kubelet commands run through `nodes/proxy` (`node-proxy`).",
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action: 'Grant `pods/exec` only to on-call or break-glass roles, scoped to the namespaces they operate.',
      },
      {
        id: 'MS-M9010',
        action:
          'Deny exec into production pods with an admission webhook on the `pods/exec` CONNECT operation, with exceptions only for approved identities.',
      },
      {
        id: 'MS-M9011',
        action:
          'Apply AppArmor or SELinux profiles that stop the container from running shells and binaries the application does not need, so an exec session gains little.',
      },
    ],
  },
  {
    id: 'MS-TA9007',
    name: 'Bash or cmd inside container',
    tactics: ['Execution'],
    attack: ['T1059'],
    summary:
      'Once inside a container, through exec, an exploited application or a backdoor, the attacker starts a shell (sh, bash or cmd.exe) and uses ordinary utilities. Tools left in the image, such as curl, wget, package managers or netcat, let them fetch payloads, call the API server with the mounted token or probe the network. Production containers rarely have a legitimate reason to run a shell.',
    detection: {
      signals: ['audit', 'question'],
      text: 'The API server only sees the `pods/exec` request that may open a shell. The commands typed afterwards, and shells spawned by an exploited process, are visible only to runtime monitoring on the node such as Falco or a cloud defender agent. kubematrix flags containers without a seccomp profile or with AppArmor turned off, the profiles that narrow what a shell can do. In audit logs, `kubematrix audit` reports exec requests that start a shell or an interpreter (`exec-shell`), read from the command the API server records in `requestURI`.',
      question:
        'Does a runtime sensor alert you when a shell or an unexpected binary starts inside a production container?',
    },
    mitigations: [
      {
        id: 'MS-M9011',
        action:
          "Apply AppArmor, SELinux or seccomp profiles that block shells and unexpected binaries from executing in the workload's containers.",
      },
      {
        id: 'MS-M9012',
        action:
          'Build on distroless or scratch bases so shells, package managers and network tools are absent from the image.',
      },
    ],
  },
  {
    id: 'MS-TA9008',
    name: 'New container',
    tactics: ['Execution'],
    attack: ['T1610'],
    summary:
      'An attacker allowed to create pods, or controllers that create them (Deployments, DaemonSets, Jobs and the like), starts a container of their own to run code in the cluster. By choosing the image, service account, node and volumes, they can also pick up credentials or land on a chosen node. A DaemonSet puts the container on every node at once.',
    detection: {
      signals: ['manifest', 'rbac', 'audit'],
      text: 'kubematrix lists subjects allowed to create pods and workload controllers or to patch their pod templates, flags mounted container runtime sockets (a way to start containers the API server never sees) and images from unapproved registries. In audit logs, `kubematrix audit` reports workloads created by people rather than controllers or deployment tools (`workload-created-by-user`).',
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action:
          'Limit `create` on pods, deployments, daemonsets, jobs and cronjobs to deployment pipelines and namespace owners.',
      },
      {
        id: 'MS-M9005.003',
        action:
          "Admit only signed images from approved registries so a container started with an attacker's image is rejected.",
      },
      {
        id: 'MS-M9013',
        action:
          'Enforce Pod Security Standards so any container the attacker starts cannot run privileged or mount host paths.',
      },
    ],
  },
  {
    id: 'MS-TA9009',
    name: 'Application exploit (RCE)',
    tactics: ['Execution'],
    attack: ['T1190'],
    summary:
      "A flaw in an application running in a pod, such as command injection in a web handler, lets a remote attacker execute code inside that container. The code runs with the container's user, file system, service account token and network reach. It is the execution step that typically follows an exploited application vulnerability.",
    detection: {
      signals: ['manifest', 'question'],
      text: "kubematrix assesses what an exploited process could reach: the container's `securityContext` (runAsNonRoot, readOnlyRootFilesystem, capabilities, seccomp, AppArmor), service account token mounting and the permissions behind it. Spotting the exploit itself needs vulnerability scanning and runtime monitoring the organization runs.",
      question:
        'Are running images scanned for exploitable vulnerabilities, and does a runtime sensor alert on unexpected processes spawned by application containers?',
    },
    mitigations: [
      {
        id: 'MS-M9005',
        action:
          'Block images with known remotely exploitable vulnerabilities and rescan running images when new advisories appear.',
      },
      {
        id: 'MS-M9011',
        action:
          'Confine the application with seccomp and AppArmor or SELinux so injected commands cannot spawn shells or write to the file system.',
      },
      {
        id: 'MS-M9014',
        action:
          "Restrict the pod's ingress and egress with NetworkPolicies so exploited code cannot download payloads or reach other services.",
      },
    ],
  },
  {
    id: 'MS-TA9010',
    name: 'SSH server running inside container',
    tactics: ['Execution'],
    attack: [],
    summary:
      'A container runs an SSH daemon, either shipped in the image or started by an attacker. With stolen keys or a guessed password the attacker gets a shell in the container over the network, bypassing the Kubernetes API so no `pods/exec` event is logged. A Service or NodePort forwarding port 22 makes it reachable from outside.',
    detection: {
      signals: ['manifest', 'question'],
      text: 'kubematrix looks for containers that declare port 22 or a port named `ssh`, run an sshd image or start `sshd` or `dropbear`, and for Services forwarding port 22 or 2222 to pods. An SSH daemon launched later by an attacker can only be seen by runtime monitoring on the node.',
      question:
        'Do you alert when a container starts listening on a port, such as SSH, that its manifest does not declare?',
    },
    mitigations: [
      {
        id: 'MS-M9011',
        action: 'Use an AppArmor or SELinux profile that denies executing `sshd` in application containers.',
      },
      {
        id: 'MS-M9014',
        action:
          'Allow ingress to pods only on their declared application ports with NetworkPolicies, so port 22 is unreachable.',
      },
      {
        id: 'MS-M9015',
        action:
          'Remove SSH servers from images and use `kubectl exec` or ephemeral debug containers for troubleshooting.',
      },
    ],
  },
  {
    id: 'MS-TA9011',
    name: 'Sidecar injection',
    tactics: ['Execution'],
    attack: ['T1610'],
    summary:
      "Rather than creating a conspicuous pod, the attacker adds an extra container to the pod template of an existing Deployment, StatefulSet or DaemonSet. The injected sidecar shares the pod's network namespace and can mount its volumes, so it can read traffic, files and secrets while hiding in a legitimate workload. A rogue mutating admission webhook can inject such a sidecar into every new pod automatically.",
    detection: {
      signals: ['manifest', 'rbac', 'audit'],
      text: 'kubematrix lists subjects with `update` or `patch` on pods and workload controllers and with write access to `mutatingwebhookconfigurations`, and flags containers whose images come from unapproved registries. In audit logs, `kubematrix audit` reports patches and updates that add containers to existing pods and workloads, ephemeral containers included (`container-added-to-workload`).',
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action:
          'Restrict `update` and `patch` on deployments, statefulsets and daemonsets, and on mutatingwebhookconfigurations, to deployment pipelines.',
      },
      {
        id: 'MS-M9005.003',
        action:
          'Verify the image of every container in a pod at admission, so a sidecar with an unapproved image is rejected.',
      },
      {
        id: 'MS-M9013',
        action: 'Enforce Pod Security Standards so an injected sidecar cannot run privileged or gain host access.',
      },
    ],
  },
  {
    id: 'MS-TA9012',
    name: 'Backdoor container',
    tactics: ['Persistence'],
    attack: ['T1543'],
    summary:
      'To keep access, the attacker runs a container carrying malicious code, often as a DaemonSet so a copy runs on every node, or as a Deployment that controllers recreate whenever it is deleted. The container may open a reverse shell, mine cryptocurrency or wait for commands, frequently with host mounts or privileges to reach the node.',
    detection: {
      signals: ['manifest', 'rbac', 'audit'],
      text: 'kubematrix lists who can create DaemonSets and Deployments or patch their templates, and flags DaemonSets outside the system namespaces whose pods reach the node (privileged, escape capabilities, writable hostPath, runtime socket, host namespaces). In audit logs, `kubematrix audit` reports DaemonSets created or changed (`daemonset-written`) and workloads placed in system namespaces (`workload-in-system-namespace`).',
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action:
          'Limit who can create or modify daemonsets and deployments, especially in kube-system and other system namespaces.',
      },
      {
        id: 'MS-M9005.003',
        action: 'Admit only signed images from approved registries so a backdoor image cannot be scheduled.',
      },
      {
        id: 'MS-M9013',
        action:
          'Enforce Pod Security Standards so a backdoor container cannot run privileged, share host namespaces or mount host paths.',
      },
    ],
  },
  {
    id: 'MS-TA9013',
    name: 'Writable hostPath mount',
    tactics: ['Persistence', 'PrivilegeEscalation', 'LateralMovement'],
    attack: ['T1611'],
    summary:
      "A pod that mounts a node directory through a `hostPath` volume without `readOnly` can write to the node's file system. An attacker who creates or controls such a pod can plant a cron job or SSH key, overwrite binaries or drop a manifest into the static pod directory, gaining code execution and persistence on the node. Mounting the node's root or the container runtime socket hands over the node entirely.",
    detection: {
      signals: ['manifest', 'rbac', 'audit'],
      text: 'kubematrix flags `hostPath` volumes mounted without `readOnly: true`, or read-only but not recursively over directories that hold other mounts, weighting sensitive paths such as `/`, `/etc`, `/var/lib/kubelet` and runtime sockets, and lists subjects who can create pods or patch pod templates. `kubematrix paths` tells apart namespaces where Pod Security admission would reject such pods. In audit logs, `kubematrix audit` reports who created pods with writable hostPath volumes (`writable-host-path-pod`).',
    },
    mitigations: [
      {
        id: 'MS-M9011',
        action:
          'Apply AppArmor or SELinux profiles that prevent the container from writing to mounted host directories.',
      },
      {
        id: 'MS-M9013',
        action:
          'Avoid hostPath in workloads; where it is unavoidable, mount only the exact path needed with `readOnly: true`.',
      },
      {
        id: 'MS-M9016',
        action:
          'Keep sensitive node directories such as /etc/kubernetes and /root writable only by root, and run containers as non-root so they cannot write there.',
      },
      {
        id: 'MS-M9017',
        action:
          'Enforce the baseline Pod Security Standard so hostPath volumes are rejected outside exempted namespaces.',
      },
    ],
  },
  {
    id: 'MS-TA9014',
    name: 'Kubernetes CronJob',
    tactics: ['Persistence'],
    attack: ['T1053.007'],
    summary:
      'The attacker creates a CronJob whose pod template runs their code on a schedule. Every run gets a fresh container, so killing one pod does not remove the foothold, and a short-lived job may finish before anyone looks. The scheduled pod can reuse a privileged service account or host mounts to reach further.',
    detection: {
      signals: ['manifest', 'rbac', 'audit'],
      text: 'kubematrix lists subjects with `create`, `update` or `patch` on `cronjobs`, and lists every CronJob, raising those whose pods reach the node. In audit logs, `kubematrix audit` reports CronJobs created or changed (`cronjob-written`).',
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action:
          'Grant `create` and `patch` on cronjobs only to the deployment identities that manage scheduled workloads.',
      },
      {
        id: 'MS-M9005.003',
        action: 'Apply image admission to CronJob pods too, so scheduled jobs can only run approved images.',
      },
      {
        id: 'MS-M9013',
        action:
          'Enforce Pod Security Standards in every namespace so a malicious CronJob pod cannot gain privileges or host mounts.',
      },
    ],
  },
  {
    id: 'MS-TA9015',
    name: 'Malicious admission controller',
    tactics: ['Persistence', 'CredentialAccess'],
    attack: ['T1546'],
    summary:
      'An attacker able to create `MutatingWebhookConfiguration` or `ValidatingWebhookConfiguration` objects registers a webhook that points to a service or URL they control. The API server then sends it every matching request, which can include Secrets and pod specs, and a mutating webhook can rewrite pods on creation, e.g. adding a backdoor container. The foothold survives the deletion of individual workloads.',
    detection: {
      signals: ['cluster', 'rbac', 'audit'],
      text: 'kubematrix lists subjects with `create`, `update` or `patch` on `mutatingwebhookconfigurations` and `validatingwebhookconfigurations`, and reads the webhook configurations themselves: webhooks calling URLs outside the cluster, seeing Secrets or every resource, mutating pods, failing open, or served from a namespace ordinary users can write. In audit logs, `kubematrix audit` reports every write to them (`admission-webhook-written`).',
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action:
          'Allow only cluster administrators and the installers of known controllers to create or change webhook configurations.',
      },
    ],
  },
  {
    id: 'MS-TA9016',
    name: 'Container service account',
    tactics: ['CredentialAccess', 'LateralMovement', 'Persistence'],
    attack: ['T1528'],
    summary:
      "Unless automounting is turned off, each pod receives its service account token under /var/run/secrets/kubernetes.io/serviceaccount. An attacker running code in the pod reads the token and calls the API server with the service account's permissions, which may allow reading secrets, creating pods or reaching other namespaces. Legacy token Secrets keep working even after the pod is gone.",
    detection: {
      signals: ['manifest', 'rbac', 'audit'],
      text: "kubematrix checks `automountServiceAccountToken` on pods and service accounts, resolves the RBAC permissions of every service account a workload mounts, lists who can create tokens or secrets, and flags hostPath mounts exposing the kubelet's directory with other pods' tokens. In audit logs, `kubematrix audit` reports token requests (`serviceaccount-token-request`), service account tokens used from a person's tool (`serviceaccount-client-tool`) or from a network the account was not seen on before (`serviceaccount-new-source`).",
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action:
          'Give each workload its own service account bound only to the verbs and resources it uses, and never bind roles to default service accounts.',
      },
      {
        id: 'MS-M9025',
        action:
          'Set `automountServiceAccountToken: false` on service accounts and pods that never call the API server.',
      },
    ],
  },
  {
    id: 'MS-TA9017',
    name: 'Static pods',
    tactics: ['Persistence'],
    attack: [],
    summary:
      'The kubelet runs static pods straight from manifests in its staticPodPath, usually /etc/kubernetes/manifests, or from a manifest URL, without the scheduler. An attacker who can write there, via a writable hostPath mount or node access, or who controls the URL, gets a pod the kubelet restarts on every boot. The API server only holds a mirror pod, and deleting it there does not stop the container.',
    detection: {
      signals: ['manifest', 'cluster', 'audit', 'question'],
      text: "kubematrix flags pods with writable `hostPath` mounts of /etc/kubernetes or its parents, mirror pods (annotation `kubernetes.io/config.mirror`) in a cluster dump that are not control-plane components in kube-system, and kubelet configurations (files or kubeadm's ConfigMap) that set `staticPodURL`. The staticPodPath directory contents live on the node and must be checked there. A live cluster's mirror pods are read the same way. In audit logs, `kubematrix audit` reports static pods as the kubelet registers them (`static-pod-created`).",
      question:
        "Do you monitor the kubelet's static pod directory and configuration on every node for new or changed manifests?",
    },
    mitigations: [
      {
        id: 'MS-M9016',
        action:
          'Keep the staticPodPath directory owned by root and writable by no one else, and never mount it writable into pods.',
      },
      {
        id: 'MS-M9032',
        action:
          "Leave the kubelet's `staticPodURL` (`--manifest-url`) unset and keep static pod manifests on local disk under change control.",
      },
    ],
  },
  {
    id: 'MS-TA9018',
    name: 'Privileged container',
    tactics: ['PrivilegeEscalation'],
    attack: ['T1610'],
    summary:
      "A container with `securityContext.privileged: true` gets every Linux capability and access to the node's devices, so little separates it from the host. An attacker running code in it can mount the node's disk, load kernel modules or enter host namespaces with nsenter, turning a pod foothold into root on the node. Host PID or network namespaces and capabilities such as SYS_ADMIN give comparable reach.",
    detection: {
      signals: ['manifest', 'rbac', 'audit'],
      text: 'kubematrix flags `securityContext.privileged: true`, escape capabilities such as SYS_ADMIN, unmasked `/proc`, mounted runtime sockets, `hostPID` and missing `allowPrivilegeEscalation: false`, and lists subjects who can create pods or patch pod templates. `kubematrix paths` tells apart namespaces where Pod Security admission would reject privileged pods. In audit logs, `kubematrix audit` reports pods created privileged or with host namespaces and escape capabilities (`privileged-pod-created`).',
    },
    mitigations: [
      {
        id: 'MS-M9005.003',
        action:
          'Use admission policy to reject pods requesting privileged mode unless the image and namespace are on an explicit allow list.',
      },
      {
        id: 'MS-M9013',
        action: 'Remove `privileged: true` from workloads and add only the specific capabilities a container needs.',
      },
      {
        id: 'MS-M9017',
        action:
          'Label namespaces `pod-security.kubernetes.io/enforce: baseline` or `restricted` so privileged pods are rejected.',
      },
    ],
  },
  {
    id: 'MS-TA9019',
    name: 'Cluster-admin binding',
    tactics: ['PrivilegeEscalation'],
    attack: ['T1078.003'],
    summary:
      'An attacker allowed to create or modify ClusterRoleBindings, or holding the `bind` or `escalate` verbs, attaches the `cluster-admin` ClusterRole to an identity they control. That identity can then do anything in any namespace, including reading every Secret and running privileged pods. Binding it to a service account keeps the access alive after the original credentials are rotated.',
    detection: {
      signals: ['rbac', 'audit'],
      text: 'kubematrix lists subjects bound to `cluster-admin` or holding full wildcard access, and subjects able to write role bindings, use `bind`, `escalate` or `impersonate`, or approve certificate signing requests. In audit logs, `kubematrix audit` reports bindings that hand out cluster-admin or other powerful roles (`powerful-role-bound`) and roles written with such rules (`powerful-role-written`).',
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action:
          'Keep cluster-admin bindings to a small, reviewed set of break-glass identities, and withhold `bind`, `escalate` and write access to clusterrolebindings from everyone else.',
      },
    ],
  },
  {
    id: 'MS-TA9020',
    name: 'Access cloud resources',
    tactics: ['PrivilegeEscalation', 'LateralMovement'],
    attack: ['T1078.004'],
    summary:
      "From a compromised pod or node the attacker uses cloud credentials found there: the node's managed identity or instance role via the metadata endpoint, workload identity tokens, or keys in mounted files and environment variables. Depending on the role, they read storage or change cloud resources beyond the cluster. An over-privileged node identity turns a container escape into a cloud account compromise.",
    detection: {
      signals: ['manifest', 'cluster', 'question'],
      text: 'What node and workload identities may do in the cloud is configured outside Kubernetes. kubematrix reports cloud keys in `env` values and ConfigMaps (MS-TA9027) and node credential files mounted through hostPath (MS-TA9026). It reports service accounts annotated for a cloud workload identity (EKS IAM roles, GKE and Azure workload identity) with the workloads that use them, and pods whose egress NetworkPolicies do not keep from 169.254.169.254.',
      question:
        'What cloud permissions do the node identity and each workload identity hold, and are they limited to what the workloads need?',
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action:
          'Give node and workload cloud identities only the cloud permissions they need, and do not share broad roles across clusters.',
      },
      {
        id: 'MS-M9013',
        action:
          "Avoid `hostNetwork` and host mounts that expose node credential files or the node's metadata access to pods.",
      },
      {
        id: 'MS-M9018',
        action:
          'Block pod egress to 169.254.169.254 with NetworkPolicy or cloud settings, such as IMDSv2 with a hop limit of 1 on AWS.',
      },
      {
        id: 'MS-M9019',
        action:
          "Use workload identity so each pod gets its own scoped cloud identity instead of falling back to the node's.",
      },
    ],
  },
  {
    id: 'MS-TA9021',
    name: 'Clear container logs',
    tactics: ['DefenseEvasion'],
    attack: ['T1070'],
    summary:
      'The attacker deletes or truncates container log files on the node, under /var/log/pods and /var/log/containers, to remove traces of what they did. This needs node access or a pod with a writable hostPath mount covering /var/log. Once the files are gone, `kubectl logs` and any log agent that had not yet shipped them lose that history.',
    detection: {
      signals: ['manifest', 'question'],
      text: "kubematrix flags pods that mount /var/log, the runtimes' container log directories or a parent through a writable `hostPath`, which is what clearing logs from inside a container requires. Deletion on the node itself never reaches the API server, so only file integrity monitoring or a gap in centrally shipped logs reveals it.",
      question:
        'Are container logs shipped off the nodes in near real time, and would you notice if log files on a node were truncated or deleted?',
    },
    mitigations: [
      {
        id: 'MS-M9016',
        action:
          'Keep /var/log/pods and /var/log/containers writable only by root on the node, and mount them read-only into log collectors.',
      },
      {
        id: 'MS-M9020',
        action:
          'Stream container logs to central storage continuously so deleting files on the node does not erase the record.',
      },
    ],
  },
  {
    id: 'MS-TA9022',
    name: 'Delete Kubernetes events',
    tactics: ['DefenseEvasion'],
    attack: ['T1070'],
    summary:
      'Kubernetes records scheduling decisions, image pulls, restarts and failures as Event objects. An attacker with `delete` or `deletecollection` on `events` removes them, for example with `kubectl delete events --all`, to hide evidence of pods they created or broke. Events already expire after an hour by default, so deletion wipes even that short window.',
    detection: {
      signals: ['rbac', 'audit'],
      text: 'kubematrix lists subjects allowed to `delete` or `deletecollection` on `events` in the core and `events.k8s.io` groups. In audit logs, `kubematrix audit` reports every deletion of events (`events-deleted`).',
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action: 'Remove `delete` and `deletecollection` on events from roles; almost no person or workload needs them.',
      },
      {
        id: 'MS-M9020',
        action:
          'Export events to external storage with an event exporter so deleting them in the cluster leaves a copy.',
      },
    ],
  },
  {
    id: 'MS-TA9023',
    name: 'Pod or container name similarity',
    tactics: ['DefenseEvasion'],
    attack: ['T1036.005'],
    summary:
      "The attacker names a pod, Deployment or container so it blends in with legitimate ones, for example copying the generated suffix of a Deployment's pods or the name of a system component such as kube-proxy or coredns. Placed in kube-system or a busy namespace, it is easy to overlook in `kubectl get pods`. A lookalike repository name can disguise the image as well.",
    detection: {
      signals: ['manifest', 'audit'],
      text: "kubematrix flags workloads named like system components (coredns, kube-proxy, kube-apiserver, etcd, metrics-server, CNI agents), by the same name with a generated suffix in a system namespace or a near-miss spelling anywhere, that are not deployed by the component's usual controller or run none of its images; it also flags images from unapproved registries and by mutable tag. In audit logs, `kubematrix audit` reports workloads named like system components (`system-name-workload`) and workloads placed in system namespaces by identities other than the system's own (`workload-in-system-namespace`).",
    },
    mitigations: [
      {
        id: 'MS-M9005.003',
        action:
          'Admit only approved images by registry and digest, so a pod named like a system component still cannot run an unapproved image.',
      },
    ],
  },
  {
    id: 'MS-TA9024',
    name: 'Connect from proxy server',
    tactics: ['DefenseEvasion'],
    attack: ['T1090'],
    summary:
      'To hide where they are, the attacker sends requests to the API server, kubelets or exposed applications through proxies, VPN exit nodes or Tor. The requests arrive from addresses unrelated to the attacker, defeating IP-based attribution and simple blocking. Anonymous access paths make this easier because no identity ties the requests together.',
    detection: {
      signals: ['cluster', 'rbac', 'audit', 'question'],
      text: 'kubematrix lists what `system:anonymous`, `system:unauthenticated` and every authenticated user may do through RBAC, and flags API server manifests that leave anonymous authentication on. In audit logs, `kubematrix audit --proxy-list FILE` reports requests whose `sourceIPs` are in the proxy and Tor exit list the organization supplies (`proxy-source`).',
      question:
        'Do you detect or block access to the API server and exposed services from anonymizing proxies, VPN services or Tor exit nodes?',
    },
    mitigations: [
      {
        id: 'MS-M9002',
        action:
          'Allow API server access only from your own egress ranges so requests relayed through public proxies are refused.',
      },
      {
        id: 'MS-M9009',
        action:
          'Require authenticated identities on every exposed service so traffic through proxies cannot act anonymously.',
      },
      {
        id: 'MS-M9014',
        action:
          'Place exposed services behind an ingress or gateway that enforces source restrictions, and keep internal services off public networks.',
      },
      {
        id: 'MS-M9021',
        action:
          'Disable anonymous authentication on the API server and kubelets where possible, and remove RBAC bindings to `system:anonymous` and `system:unauthenticated`.',
      },
    ],
  },
  {
    id: 'MS-TA9025',
    name: 'List Kubernetes secrets',
    tactics: ['CredentialAccess'],
    attack: ['T1552.007'],
    summary:
      'Secrets hold service account tokens, registry credentials, TLS keys and application passwords. An attacker with `get`, `list` or `watch` on `secrets` in a namespace or cluster-wide reads them through the API, for example with `kubectl get secrets -o yaml`. A `list` returns full secret values, not just names, so it is as powerful as `get`.',
    detection: {
      signals: ['rbac', 'audit'],
      text: 'kubematrix lists subjects with `get`, `list` or `watch` on `secrets`, cluster-wide, per namespace or by name, and workloads whose mounted token holds such rights. In audit logs, `kubematrix audit` reports lists and watches of Secrets (`secrets-list`) and bursts of reads of many Secrets by one identity (`secrets-bulk-read`).',
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action:
          'Grant `get` only on named secrets via `resourceNames` where possible, and never give workloads `list` or `watch` on secrets cluster-wide.',
      },
      {
        id: 'MS-M9022',
        action:
          'Keep high-value credentials in an external secret store loaded through the Secrets Store CSI driver rather than as Secret objects.',
      },
      {
        id: 'MS-M9023',
        action:
          'Delete Secrets no workload references, including legacy service account token Secrets, so there is less to steal.',
      },
      {
        id: 'MS-M9024',
        action:
          'Expose etcd only to the API server with mutual TLS and enable encryption at rest, so etcd data or backups do not reveal secrets.',
      },
    ],
  },
  {
    id: 'MS-TA9026',
    name: 'Mount service principal',
    tactics: ['CredentialAccess'],
    attack: ['T1552.001'],
    summary:
      "Some clusters, notably older AKS setups, keep the cloud service principal credential in a file on every node, such as /etc/kubernetes/azure.json. An attacker who can create a pod with a hostPath mount of that path, or who reaches the node, reads the credential and signs in to the cloud as the cluster's identity. That identity often has rights over networking, disks and registries in the subscription.",
    detection: {
      signals: ['manifest', 'rbac', 'question'],
      text: 'kubematrix flags `hostPath` volumes that expose /etc/kubernetes or cloud provider credential files, and lists subjects who can create pods, and so such mounts. Whether nodes hold a service principal secret at all depends on how the cluster was provisioned.',
      question:
        'Does the cluster still authenticate to the cloud with a service principal secret stored on the nodes rather than a managed identity?',
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action:
          "Prevent users and workloads from creating pods with hostPath volumes, and scope the cluster's cloud identity to the resources it manages.",
      },
      {
        id: 'MS-M9013',
        action: 'Reject hostPath mounts of /etc/kubernetes and other node configuration directories in workloads.',
      },
    ],
  },
  {
    id: 'MS-TA9027',
    name: 'Application credentials in configuration files',
    tactics: ['CredentialAccess', 'LateralMovement'],
    attack: ['T1552'],
    summary:
      'Passwords, API keys or connection strings are sometimes written straight into pod specs as environment variables, into ConfigMaps, or into files baked into the image. Anyone able to read those objects, for example with `get` on deployments, pods or configmaps, or to pull the image, obtains the credentials without touching Secrets. The same values often sit in Git next to the manifests.',
    detection: {
      signals: ['manifest', 'rbac', 'audit', 'question'],
      text: 'kubematrix scans container `env` values and ConfigMap data (whole configuration files inside them included) for credential names and recognisable token formats, and flags hostPath mounts of SSH keys and home directories; `kubematrix rbac who-can get configmaps` answers who can read them. In audit logs, `kubematrix audit` reports ConfigMaps written with credential-looking values, naming the key and never the value (`configmap-credentials-written`). Credentials built into images or committed to source repositories need a scanner outside Kubernetes.',
      question: 'Are images and manifest repositories scanned for embedded credentials before they are deployed?',
    },
    mitigations: [
      {
        id: 'MS-M9022',
        action:
          'Load application credentials from a managed secret store at runtime instead of writing them into manifests or images.',
      },
      {
        id: 'MS-M9026',
        action:
          'Move credentials out of `env` literals and ConfigMaps into Secrets referenced with `secretKeyRef` or mounted files, and rotate any that were exposed.',
      },
    ],
  },
  {
    id: 'MS-TA9028',
    name: 'Access Managed Identity credentials',
    tactics: ['CredentialAccess'],
    attack: ['T1552.005'],
    summary:
      "Cloud nodes obtain tokens for their managed identity or instance role from the instance metadata service at 169.254.169.254. A pod that can reach that endpoint, which is often the default, requests a token and acts in the cloud as the node. With workload identity, tokens for the pod's own cloud identity can also be taken from a compromised pod.",
    detection: {
      signals: ['manifest', 'cluster', 'audit', 'question'],
      text: 'The rights of the node identity are set in the cloud. kubematrix flags `hostNetwork` pods, which pod-level network blocks do not cover, and pods whose egress NetworkPolicies do not keep from 169.254.169.254 (or fd00:ec2::254). In audit logs, `kubematrix audit` reports exec commands that reach the credential paths of a metadata endpoint (`exec-metadata-address`).',
      question:
        "Which cloud roles are assigned to the nodes' managed identity, and is metadata access from pods blocked?",
    },
    mitigations: [
      {
        id: 'MS-M9018',
        action:
          'Deny pod egress to 169.254.169.254 with a NetworkPolicy or node firewall, allowing only the components that need it.',
      },
      {
        id: 'MS-M9019',
        action:
          "Assign workload identities per service account so pods stop using the node's identity, and reduce the node identity to what the kubelet needs.",
      },
    ],
  },
  {
    id: 'MS-TA9029',
    name: 'Access Kubernetes API server',
    tactics: ['Discovery'],
    attack: ['T1613'],
    summary:
      'From inside a pod or with stolen credentials, the attacker queries the API server to learn the cluster layout: namespaces, pods, services, nodes, roles, and their own rights via `kubectl auth can-i --list`. This map shows where secrets and privileged service accounts are and guides the next steps. Pods reach the API server at kubernetes.default.svc by default.',
    detection: {
      signals: ['rbac', 'audit'],
      text: 'kubematrix lists what anonymous and all authenticated users may do, and `kubematrix rbac who-can list` answers who may enumerate a resource. In audit logs, `kubematrix audit` reports access and rules reviews (`permission-review`) and bursts of refused requests by one identity (`denied-request-burst`).',
    },
    mitigations: [
      {
        id: 'MS-M9002',
        action:
          'Limit the API server endpoint to trusted networks so discovery with stolen credentials from outside is blocked.',
      },
      {
        id: 'MS-M9003',
        action:
          'Do not give workload service accounts cluster-wide `list` or `watch`; grant read access per namespace and only for resources they use.',
      },
    ],
  },
  {
    id: 'MS-TA9030',
    name: 'Access Kubelet API',
    tactics: ['Discovery'],
    attack: ['T1613'],
    summary:
      "Each kubelet serves an HTTPS API on port 10250 (older setups also a read-only port 10255) that lists its node's pods and can run commands in them. An attacker who reaches it while anonymous access is allowed, or who holds `get` on `nodes/proxy`, can list workloads and exec into containers via the kubelet, leaving no `pods/exec` audit event. NodeRestriction stops a stolen kubelet credential from altering other nodes.",
    detection: {
      signals: ['manifest', 'cluster', 'rbac', 'audit'],
      text: "kubematrix lists subjects with access to `nodes/proxy`, and workloads whose token holds it, and reads KubeletConfiguration files and kubeadm's kubelet ConfigMap for `authentication.anonymous.enabled`, `authorization.mode: AlwaysAllow` and a nonzero `readOnlyPort`. Calls made straight to the kubelet never reach the API server. In audit logs, `kubematrix audit` reports `nodes/proxy` requests other than metrics scrapes (`node-proxy`).",
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action: 'Do not grant `get` or `create` on `nodes/proxy` outside the monitoring components that truly need it.',
      },
      {
        id: 'MS-M9009',
        action: 'Run kubelets with anonymous authentication disabled, `Webhook` authorization and `readOnlyPort: 0`.',
      },
      {
        id: 'MS-M9014',
        action:
          'Allow connections to port 10250 on nodes only from the control plane and required agents, not from ordinary pods.',
      },
      {
        id: 'MS-M9027',
        action:
          'Enable the NodeRestriction admission plugin so a stolen kubelet credential can modify only its own Node and the pods bound to it.',
      },
    ],
  },
  {
    id: 'MS-TA9031',
    name: 'Network mapping',
    tactics: ['Discovery'],
    attack: ['T1046'],
    summary:
      'From inside a pod the attacker scans the pod and service networks, with nmap or plain connection attempts, to find other workloads, databases, kubelet ports and cloud services. Kubernetes lets every pod reach every other pod unless NetworkPolicies say otherwise, so one foothold can see the whole cluster network. Queries to the cluster DNS service reveal service names as well.',
    detection: {
      signals: ['manifest', 'question'],
      text: 'kubematrix reports workloads that no NetworkPolicy selects for ingress or egress, which bounds what a scan can reach. The scan itself is network traffic that only flow logs or a network sensor can reveal.',
      question: 'Do you collect network flow logs from the cluster and alert on port scans that originate from pods?',
    },
    mitigations: [
      {
        id: 'MS-M9014',
        action:
          'Apply default-deny NetworkPolicies in each namespace and allow only required flows, so a scan from one pod sees little.',
      },
    ],
  },
  {
    id: 'MS-TA9033',
    name: 'Instance Metadata API',
    tactics: ['Discovery'],
    attack: ['T1552.005'],
    summary:
      'Cloud VMs expose a metadata service at 169.254.169.254 that describes the node: account or subscription, region, network layout, tags and startup data, and on many clouds identity tokens too. A compromised pod queries it to learn about the surrounding cloud environment and sometimes to find credentials. Many clusters leave it reachable from every pod.',
    detection: {
      signals: ['manifest', 'cluster', 'audit'],
      text: 'kubematrix reports pods whose egress NetworkPolicies do not keep from 169.254.169.254 (or fd00:ec2::254): no policy isolates their egress, or a rule allows it by ipBlock and port. `hostNetwork` pods, which pod-level policies do not cover, are reported on their own. In audit logs, `kubematrix audit` reports exec commands that reach a metadata endpoint (`exec-metadata-address`).',
    },
    mitigations: [
      {
        id: 'MS-M9018',
        action:
          "Block pod traffic to 169.254.169.254 with NetworkPolicies or the cloud's metadata protection, such as IMDSv2 with hop limit 1 or the GKE metadata server.",
      },
    ],
  },
  {
    id: 'MS-TA9034',
    name: 'Cluster internal networking',
    tactics: ['LateralMovement'],
    attack: ['T1210'],
    summary:
      'With a foothold in one pod, the attacker connects to services in other namespaces, databases, internal dashboards or kubelets, since the default Kubernetes network lets any pod talk to any other. Services reached this way often trust in-cluster callers and skip authentication. One compromised workload thus becomes access across the cluster.',
    detection: {
      signals: ['manifest', 'cluster'],
      text: 'kubematrix reports workloads that no NetworkPolicy selects for ingress or egress (a namespace without any once), policies with rules open to every pod, and `hostNetwork` pods.',
    },
    mitigations: [
      {
        id: 'MS-M9005',
        action:
          'Keep images of internal services scanned and patched, since attackers moving laterally exploit services that trust in-cluster callers.',
      },
      {
        id: 'MS-M9014',
        action:
          'Add default-deny ingress and egress NetworkPolicies per namespace and explicitly allow traffic only between services that need it.',
      },
    ],
  },
  {
    id: 'MS-TA9035',
    name: 'CoreDNS poisoning',
    tactics: ['LateralMovement'],
    attack: ['T1557'],
    summary:
      "Cluster DNS is served by CoreDNS, configured through the `coredns` ConfigMap in kube-system. An attacker who can edit that ConfigMap adds rewrite or hosts entries that resolve service or external names to addresses they control, redirecting other pods' traffic to capture credentials or data. Changing the CoreDNS Deployment achieves the same.",
    detection: {
      signals: ['manifest', 'rbac', 'audit'],
      text: "kubematrix lists subjects who may update or patch the `coredns` ConfigMap in kube-system, and those who may patch workloads there, and lists the Corefile's `rewrite` rules and `forward` upstreams outside private and link-local ranges for review. In audit logs, `kubematrix audit` reports changes to it (`coredns-config-changed`).",
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action: 'Restrict write access to ConfigMaps and Deployments in kube-system to cluster administrators.',
      },
    ],
  },
  {
    id: 'MS-TA9036',
    name: 'ARP poisoning and IP spoofing',
    tactics: ['LateralMovement'],
    attack: ['T1557'],
    summary:
      'On CNIs that attach pods to a shared layer-2 bridge, such as kubenet, a container with the NET_RAW capability can send forged ARP replies or packets with spoofed source addresses. The attacker then intercepts traffic between pods on the node, or impersonates another pod or the DNS service, to steal data or credentials. NET_RAW is in the default capability set of many container runtimes.',
    detection: {
      signals: ['manifest', 'cluster'],
      text: 'kubematrix flags containers that keep NET_RAW, because it is added, granted by privilege, or not dropped in a `hostNetwork` pod.',
    },
    mitigations: [
      {
        id: 'MS-M9013',
        action:
          "Drop NET_RAW, or ALL, in every container's `securityContext.capabilities`; the restricted Pod Security Standard enforces this.",
      },
      {
        id: 'MS-M9028',
        action:
          'Use a CNI that routes pod traffic at layer 3 with anti-spoofing, such as Calico or Cilium, instead of a bridged setup like kubenet.',
      },
    ],
  },
  {
    id: 'MS-TA9037',
    name: 'Images from a private registry',
    tactics: ['Collection'],
    attack: ['T1530'],
    summary:
      "Private registry images can hold proprietary code, internal configuration and baked-in secrets. An attacker with a foothold reads image pull secrets (`kubernetes.io/dockerconfigjson` Secrets referenced by `imagePullSecrets`), or borrows the node's cloud identity through the metadata service, to authenticate to the registry and pull those images. Node pull rights often cover every repository.",
    detection: {
      signals: ['manifest', 'cluster', 'rbac'],
      text: 'kubematrix lists subjects who can read image pull secrets: those pods and service accounts name in `imagePullSecrets`, and `dockerconfigjson` Secrets.',
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action:
          'Grant registry pull rights only for the repositories each cluster needs, and limit who can read image pull secrets.',
      },
      {
        id: 'MS-M9018',
        action:
          'Block pod access to 169.254.169.254 so attackers cannot borrow the node identity to authenticate to the registry.',
      },
    ],
  },
  {
    id: 'MS-TA9038',
    name: 'Data destruction',
    tactics: ['Impact'],
    attack: ['T1485'],
    summary:
      'The attacker deletes or corrupts what the cluster depends on: Deployments, StatefulSets, namespaces, PersistentVolumeClaims and the data on their volumes, or etcd itself. Deleting a namespace removes everything in it, and a PersistentVolume with reclaim policy `Delete` takes its backing disk with it. The goal is disruption or ransom.',
    detection: {
      signals: ['manifest', 'rbac', 'audit', 'question'],
      text: 'kubematrix lists subjects with `delete` or `deletecollection` on namespaces, workloads, pods, secrets, persistentvolumeclaims and persistentvolumes. Whether backups exist and can be restored is outside Kubernetes. In audit logs, `kubematrix audit` reports deletions of namespaces, workloads and volumes, weighted by breadth (`destructive-delete`).',
      question:
        'Are etcd and persistent volume data backed up outside the cluster, and when was a restore last tested?',
    },
    mitigations: [
      {
        id: 'MS-M9030',
        action:
          'Keep application data on cloud storage services or volumes with snapshot support so it outlives deleted pods and claims.',
      },
      {
        id: 'MS-M9031',
        action:
          'Back up cluster objects (e.g. with Velero or etcd snapshots) and volume snapshots to a separate account, and test restores regularly.',
      },
    ],
  },
  {
    id: 'MS-TA9039',
    name: 'Resource hijacking',
    tactics: ['Impact'],
    attack: ['T1496'],
    summary:
      "The attacker uses the cluster's compute for their own purposes, most often cryptocurrency mining, by deploying miner containers or running miners inside compromised pods. A DaemonSet spreads the miner across all nodes, and missing CPU limits let it consume whole nodes. The victim pays for the compute while other workloads slow down.",
    detection: {
      signals: ['manifest', 'audit', 'question'],
      text: 'kubematrix flags known miner images and mining pool arguments, containers without CPU limits and images from unapproved registries. A miner running inside an existing container shows up only in usage metrics or runtime monitoring.',
      question:
        'Do you alert on sustained unexpected CPU or GPU usage and on connections from the cluster to mining pools?',
    },
    mitigations: [
      {
        id: 'MS-M9011',
        action:
          "Confine containers with AppArmor or SELinux profiles that allow only the application's own binaries to execute, so dropped miners cannot run.",
      },
      {
        id: 'MS-M9012',
        action:
          'Remove download tools and package managers from images so a compromised container cannot easily fetch a miner.',
      },
    ],
  },
  {
    id: 'MS-TA9040',
    name: 'Denial of service',
    tactics: ['Impact'],
    attack: ['T1498', 'T1499'],
    summary:
      'The attacker makes the cluster or its applications unavailable: flooding the API server or exposed services, exhausting node CPU, memory or disk from pods without limits, deleting or scaling down workloads, or filling etcd with objects. A single pod without limits can starve its neighbours and trigger evictions on the node.',
    detection: {
      signals: ['manifest', 'rbac', 'audit'],
      text: 'kubematrix flags containers without CPU and memory limits that no LimitRange fills in, and lists subjects who can delete workloads.',
    },
    mitigations: [
      {
        id: 'MS-M9002',
        action: 'Restrict the API server endpoint to trusted networks so outside attackers cannot flood it.',
      },
      {
        id: 'MS-M9011',
        action:
          'Confine containers with seccomp and AppArmor or SELinux so a compromised pod cannot run arbitrary tools that exhaust node resources.',
      },
      {
        id: 'MS-M9029',
        action:
          'Set CPU and memory requests and limits on every container, and enforce them per namespace with LimitRange and ResourceQuota.',
      },
    ],
  },
  {
    id: 'MS-TA9041',
    name: 'Collecting data from pod',
    tactics: ['Collection'],
    attack: [],
    summary:
      "The attacker copies data out of running workloads, such as files, database dumps or application state. With `pods/exec` they run commands or `kubectl cp`, which streams a tar archive over exec, and with `pods/attach` they join a running process's terminal. Creating a new pod that mounts the same PersistentVolumeClaim or hostPath lets them read the data at rest.",
    detection: {
      signals: ['manifest', 'rbac', 'audit'],
      text: 'kubematrix lists subjects with `pods/exec` or `pods/attach`, where `kubectl cp` is an exec running `tar`. In audit logs, `kubematrix audit` reports `tar` archives created by exec, which is how `kubectl cp` copies files out (`exec-copy-from-pod`).',
    },
    mitigations: [
      {
        id: 'MS-M9003',
        action:
          'Limit `pods/exec`, `pods/attach` and pod creation in namespaces that hold sensitive PersistentVolumeClaims.',
      },
      {
        id: 'MS-M9010',
        action:
          'Block exec and attach into pods holding sensitive data with an admission webhook on CONNECT, except for approved break-glass identities.',
      },
    ],
  },
];
