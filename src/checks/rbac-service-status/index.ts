import { defineRbacCheck } from '../rbac-findings.js';

export default defineRbacCheck({
  id: 'rbac-service-status',
  title: 'RBAC: rewrite Service status (CVE-2020-8554)',
  description:
    "A subject may update or patch `services/status`, and so set a LoadBalancer Service's `status.loadBalancer.ingress` IP. Held in any namespace it is high: the IP it claims is intercepted cluster-wide.",
  rationale:
    "kube-proxy routes traffic for a LoadBalancer's ingress IP to the Service's pods on every node (CVE-2020-8554, unfixed by design): whoever writes a Service's status can claim any address, a database's or an external API's, and receive, read or alter every pod's traffic to it.",
  remediation:
    'Grant `services/status` only to the cloud controller manager or load-balancer controller that owns it. Block the technique at admission (the `externalip-webhook`, or a policy rejecting status ingress IPs outside your load balancers\u2019 ranges).',
});
