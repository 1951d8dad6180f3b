import { defineDetection } from '../define.js';
import { objectName, pathOf, quoted, succeeded } from '../request.js';

/** Kubelet endpoints that run commands in containers: exec by way of the node, with no `pods/exec` event. */
const RUNS_COMMANDS = /^\/(?:run|exec|attach|portforward|cri)(?:\/|$)/i;
/** Read-only monitoring endpoints scraped through the API server (Prometheus' cAdvisor and kubelet jobs). */
const MONITORING = /^\/(?:metrics(?:\/(?:cadvisor|resource|probes))?|stats\/summary|healthz)\/?$/;

export default defineDetection({
  id: 'node-proxy',
  title: 'Kubelet API reached through nodes/proxy',
  severity: 'high',
  techniques: ['MS-TA9030', 'MS-TA9006'],
  description:
    "A request went through the API server's `nodes/proxy` subresource to a kubelet's API: listing its pods, reading logs or configuration; critical when it runs commands in containers (`/run`, `/exec`, `/attach`, `/portforward`). Monitoring scrapes (`/metrics…`, `/stats/summary`, `/healthz`) stay quiet.",
  rationale:
    'The kubelet API tells an attacker every pod on the node with its spec, and runs commands in any of them; reached through `nodes/proxy` it needs no network path to the node, and commands run that way leave no `pods/exec` audit event.',
  response:
    'Identify who holds `nodes/proxy` and why; monitoring needs only the metrics paths. Unexpected command paths mean the containers on that node may be compromised: review them and narrow the role.',
  fields: ['objectRef.resource', 'objectRef.subresource', 'requestURI (path after /proxy)', 'responseStatus.code'],
  level: 'Metadata',
  benign:
    'Monitoring that scrapes kubelet metrics through the API server (not reported), `kubectl get --raw /api/v1/nodes/NODE/proxy/configz` while debugging a node, and node-inspection tools; allow-list their service accounts.',
  on: { resources: ['nodes/proxy'] },
  detect(event, ctx) {
    if (!succeeded(event)) return;
    const path = /\/nodes\/[^/]+\/proxy(\/.*)?$/.exec(pathOf(event))?.[1] ?? '/';
    if (MONITORING.test(path)) return;
    const user = event.user.username ?? 'unknown user';
    ctx.alert(
      RUNS_COMMANDS.test(path)
        ? {
            message: `${user} ran a command in a container through the kubelet of node ${objectName(event)} (${quoted(path)}), bypassing pods/exec.`,
            severity: 'critical',
          }
        : {
            message: `${user} called the kubelet API of node ${objectName(event)} through the API server (${quoted(path)}).`,
            techniques: ['MS-TA9030'],
          },
    );
  },
});
