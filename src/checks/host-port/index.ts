import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'host-port',
  title: 'Container port bound to the node',
  severity: 'medium',
  exposes: ['MS-TA9005'],
  missing: [],
  description:
    'A container port sets `hostPort`, so the node forwards that port of its own IP addresses to the container.',
  rationale:
    'A hostPort opens the container on the IP of every node it runs on, to anyone who can reach the nodes, outside any Service, Ingress or load balancer controls; many CNIs apply NetworkPolicies to it inconsistently or not at all. It is how interfaces meant for the cluster end up on the node network, and it makes the pod easy to find by scanning node IPs.',
  remediation:
    'Remove `hostPort` and expose the port through a Service (ClusterIP, or a LoadBalancer behind the usual controls). Node agents that truly need it should bind only what they must and be covered by firewall rules.',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      // With hostNetwork every port is the node's already; the host-network check covers that.
      if (pod.spec.hostNetwork === true) continue;
      for (const container of pod.containers) {
        container.spec.ports?.forEach((port, index) => {
          // 0 is the API's "unset".
          if (!port.hostPort) return;
          const forwarded = port.containerPort === undefined ? '' : ` to container port ${port.containerPort}`;
          report({
            resource: pod.owner,
            path: [...container.path, 'ports', index, 'hostPort'],
            message: `container '${container.spec.name}' binds port ${port.hostPort}/${port.protocol ?? 'TCP'} of its node${forwarded}, bypassing Services and their controls`,
          });
        });
      }
    }
  },
});
