import type { FieldPath } from '../../inputs/path.js';
import { asRecord, type ContainerView, type PodSpecView } from '../../inventory/index.js';
import { commandWords, programName } from '../../inventory/pods.js';
import { parseImage } from '../../k8s/images.js';
import {
  declaredPorts,
  podsSelectedBy,
  portNumber,
  routesTo,
  serviceExposure,
  type TargetPort,
} from '../../k8s/services.js';
import { listSome } from '../../rbac/format.js';
import { defineCheck } from '../define.js';

const SSH_PORT = 22;
/** Where SSH servers listen: 22, and 2222 where they run unprivileged (OpenSSH images, Gitea, Gerrit-style git hosts). */
const SERVICE_SSH_PORTS = new Set([SSH_PORT, 2222]);
/** Images whose main process is an SSH daemon: `panubo/sshd`, `rastasheep/ubuntu-sshd`, `linuxserver/openssh-server`. */
const SSHD_IMAGE_NAME = /(?:^|[-_.])(?:sshd|dropbear|openssh-server)$/;
/** SFTP servers built on OpenSSH's sshd. */
const SSHD_REPOSITORIES = new Set(['atmoz/sftp', 'emberstack/sftp']);
const SSH_DAEMONS = new Set(['sshd', 'dropbear']);

function isSshPort(port: TargetPort): boolean {
  return port.number === SSH_PORT || port.name === 'ssh';
}

function runsSshdImage(container: ContainerView): boolean {
  const reference = parseImage(container.spec.image);
  if (!reference) return false;
  const lastSegment = reference.repository.slice(reference.repository.lastIndexOf('/') + 1);
  return SSHD_IMAGE_NAME.test(lastSegment) || SSHD_REPOSITORIES.has(reference.repository);
}

interface Evidence {
  readonly path: FieldPath;
  readonly what: string;
}

/** Where a container shows it runs an SSH server: a port 22 or named `ssh`, an sshd image, `sshd` on its command line. */
function sshEvidence(container: ContainerView, sshdImage: boolean): Evidence[] {
  const evidence: Evidence[] = [];
  container.spec.ports?.forEach((port, index) => {
    const path = [...container.path, 'ports', index];
    if (port.containerPort === SSH_PORT) evidence.push({ path: [...path, 'containerPort'], what: 'port 22' });
    else if (port.name === 'ssh') evidence.push({ path: [...path, 'name'], what: "port 'ssh'" });
  });
  if (sshdImage) {
    evidence.push({ path: [...container.path, 'image'], what: `image '${container.spec.image}'` });
  }
  const words = commandWords(container);
  const daemon = words.find(({ word }, index) => {
    const program = programName(word);
    // `service ssh start`, `/etc/init.d/ssh start`
    const service = word === 'service' ? words[index + 1]?.word : word.startsWith('/etc/init.d/') ? program : undefined;
    return SSH_DAEMONS.has(program) || service === 'ssh' || service === 'sshd';
  });
  if (daemon) evidence.push({ path: daemon.path, what: `command '${daemon.word}'` });
  return evidence;
}

export default defineCheck({
  id: 'ssh-server',
  title: 'SSH server in a container',
  severity: 'medium',
  exposes: ['MS-TA9010'],
  missing: [],
  description:
    "A container runs an SSH daemon: it declares port 22 or a port named `ssh`, uses an sshd image, or starts `sshd`/`dropbear`; or a Service forwards port 22 or 2222 (as `port` or `targetPort`) to pods that show no such sign. The container carries the finding when it shows a sign, the Service's port otherwise, so one fact is one finding. High when a LoadBalancer or NodePort Service (or externalIPs) forwards to it.",
  rationale:
    'An SSH server is a way into the container that bypasses the Kubernetes API: logins are not `pods/exec` calls, so RBAC does not govern them and the audit log does not see them. Keys baked into images and weak passwords are found and brute-forced within minutes once the port is reachable from outside.',
  remediation:
    'Remove the SSH server and use `kubectl exec` or `kubectl debug`, which RBAC controls and the audit log records. If SFTP or SSH access is the product, keep it off LoadBalancer/NodePort Services, require keys, and restrict clients with a NetworkPolicy.',
  run({ inventory, report }) {
    // Pods whose own containers say they run SSH: their finding names the Service that exposes them.
    const shown = new Set<PodSpecView>();
    for (const pod of inventory.podSpecs) {
      for (const container of pod.containers) {
        const sshdImage = runsSshdImage(container);
        const evidence = sshEvidence(container, sshdImage);
        const [first] = evidence;
        if (!first) continue;
        shown.add(pod);
        const declared = declaredPorts(container);
        const sshPorts = declared.filter(isSshPort);
        // Without a port that says SSH, sshd listens on 22, or, in an sshd image, on whatever port the image declares.
        const ports = sshPorts.length ? sshPorts : [{ number: SSH_PORT }, ...(sshdImage ? declared : [])];
        // Ingresses and Gateway HTTP/gRPC routes speak HTTP: they cannot carry SSH.
        const exposed = routesTo(inventory, pod, ports).find((route) => route.external && !route.via);
        const what = evidence.map((e) => e.what).join(', ');
        report({
          resource: pod.owner,
          path: first.path,
          severity: exposed ? 'high' : 'medium',
          message: exposed
            ? `container '${container.spec.name}' runs an SSH server (${what}), reachable from outside the cluster through ${exposed.description}`
            : `container '${container.spec.name}' runs an SSH server (${what})`,
        });
      }
    }
    for (const service of inventory.ofKind('Service')) {
      const ports = asRecord(service.object.spec).ports;
      const sshPorts = (Array.isArray(ports) ? ports : []).map(asRecord).flatMap((port, index) => {
        const field = (['targetPort', 'port'] as const).find((key) => SERVICE_SSH_PORTS.has(portNumber(port[key])));
        return field ? [{ index, field, number: portNumber(port[field]) }] : [];
      });
      if (!sshPorts.length) continue;
      const pods = podsSelectedBy(inventory, service).filter((pod) => !shown.has(pod));
      if (!pods.length) continue;
      const exposure = serviceExposure(service);
      const owners = listSome(pods.map(({ owner }) => `${owner.ref.kind} '${owner.ref.name}'`));
      for (const { index, field, number } of sshPorts) {
        report({
          resource: service,
          path: ['spec', 'ports', index, field],
          severity: exposure.external ? 'high' : 'medium',
          message: `${exposure.description} forwards ${field} ${number}, where SSH servers listen, to ${owners}${exposure.external ? ', from outside the cluster' : ''}`,
        });
      }
    }
  },
});
