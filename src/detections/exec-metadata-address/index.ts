import { defineDetection } from '../define.js';
import { EXEC_RESOURCES, EXEC_VERBS, execRequest } from '../exec.js';
import { objectName, quoted } from '../request.js';

/**
 * Cloud instance-metadata and node-credential endpoints, lower-case, as a command would name them: the link-local
 * address most clouds share (AWS, Azure, GCP, Oracle, DigitalOcean, OpenStack) also written as one number in decimal
 * and hex, GCP's host name, AWS's IPv6 address and host alias (as a URL), the EKS Pod Identity agent, Alibaba's address and
 * Azure's WireServer.
 */
const ENDPOINTS = [
  '169.254.169.254',
  '2852039166',
  '0xa9fea9fe',
  'metadata.google.internal',
  'fd00:ec2::254',
  '//instance-data',
  '169.254.170.23',
  'fd00:ec2::23',
  '100.100.100.200',
  '168.63.129.16',
];

/** Paths that hand out credentials rather than facts about the instance (AWS, Alibaba, Azure, GCP, EKS Pod Identity, Oracle). */
const CREDENTIAL_PATHS = [
  'security-credentials',
  'identity/oauth2/token',
  'instance/service-accounts',
  '/v1/credentials',
  'opc/v2/identity',
];

export default defineDetection({
  id: 'exec-metadata-address',
  title: 'Exec command reaching the instance metadata service',
  severity: 'medium',
  techniques: ['MS-TA9033', 'MS-TA9028'],
  description:
    "An exec command names a cloud instance-metadata endpoint (169.254.169.254, metadata.google.internal, fd00:ec2::254, Alibaba's 100.100.100.200, the EKS Pod Identity agent, …); high when it asks for a credential path.",
  rationale:
    "From inside a pod, the metadata service tells an attacker about the node and the cloud account and, unless blocked, hands out the node's or the workload's cloud identity tokens: a step from the cluster into the cloud account.",
  response:
    "Find out who ran it and why; if unexplained, assume the node's or the workload's cloud credentials leaked: rotate them, review the cloud account's audit trail for their use, and block metadata egress from pods (network policy, IMDSv2 hop limit 1, GKE metadata server).",
  fields: ['objectRef.subresource', 'requestURI (command)', 'stage', 'responseStatus.code'],
  level: 'Metadata',
  benign:
    'Someone checking which identity a pod gets while setting up workload identity (IRSA, Pod Identity, Azure or GCP workload identity); rare outside that work.',
  on: { verbs: EXEC_VERBS, resources: EXEC_RESOURCES },
  detect(event, ctx) {
    const exec = execRequest(event);
    if (!exec?.command.length) return;
    const text = exec.command.join(' ').toLowerCase();
    const endpoint = ENDPOINTS.find((address) => text.includes(address));
    if (!endpoint) return;
    const credentials = CREDENTIAL_PATHS.some((path) => text.includes(path));
    const user = event.user.username ?? 'unknown user';
    ctx.alert(
      credentials
        ? {
            message: `${user} ran a command in pod ${objectName(event)} that asks the metadata service at ${quoted(endpoint)} for credentials.`,
            severity: 'high',
            techniques: ['MS-TA9028', 'MS-TA9033'],
          }
        : {
            message: `${user} ran a command in pod ${objectName(event)} that reaches the metadata service at ${quoted(endpoint)}.`,
            techniques: ['MS-TA9033'],
          },
    );
  },
});
