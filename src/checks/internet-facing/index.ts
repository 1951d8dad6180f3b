import { asRecord } from '../../inventory/index.js';
import { evidenceAt } from '../../k8s/evidence.js';
import { podLabelsPath, workloadName } from '../../k8s/network-isolation.js';
import { routesTo, unmatchedExternalServices } from '../../k8s/services.js';
import type { Evidence } from '../../model/report.js';
import { listSome } from '../../rbac/format.js';
import { defineCheck } from '../define.js';

export default defineCheck({
  id: 'internet-facing',
  title: 'Workload reachable from outside the cluster',
  severity: 'info',
  exposes: ['MS-TA9004'],
  missing: [],
  description:
    "A LoadBalancer or NodePort Service, a Service with `externalIPs`, an Ingress or a Gateway API route (HTTPRoute, GRPCRoute attached to a Gateway) forwards to the workload's pods: it is an entry point. One finding per workload, at the labels the Services select, with every route as evidence; and one per such Service that forwards to no workload of the input (its selector matches none, or it has none), since what it exposes lives elsewhere. What runs there is for other checks to judge: management interfaces (management-interface) and SSH servers (ssh-server) are reported as such; ports bound to the node are host-port's.",
  rationale:
    'Whatever is reachable from outside is where an attacker starts: a vulnerability in the application (remote code execution, SSRF, deserialization) gives them its pod, its service account token and its network position. Knowing the entry points tells where patching, a WAF and tight pod hardening matter most, and where attack paths into the cluster begin.',
  remediation:
    'Expose only what must be public; keep the rest on ClusterIP Services. For what stays exposed: scan and patch its images, put a WAF or authenticating proxy in front, and harden its pods (non-root, read-only root file system, no service account token unless needed).',
  run({ inventory, report }) {
    for (const pod of inventory.podSpecs) {
      const routes = routesTo(inventory, pod).filter((route) => route.external);
      if (!routes.length) continue;
      const evidence: Evidence[] = routes.map((route) => {
        if (route.via && route.viaPath) return evidenceAt('service', route.via, route.viaPath, route.description);
        const externalIPs = asRecord(route.service.object.spec).externalIPs !== undefined;
        return evidenceAt('service', route.service, ['spec', externalIPs ? 'externalIPs' : 'type'], route.description);
      });
      report({
        resource: pod.owner,
        path: podLabelsPath(pod),
        message: `${workloadName(pod)} is reachable from outside the cluster through ${listSome(routes.map((route) => route.description))}: an entry point`,
        evidence,
      });
    }
    for (const { service, description, path, why } of unmatchedExternalServices(inventory)) {
      report({
        resource: service,
        path,
        message: `${description} is reachable from outside the cluster, and ${why}: whatever serves it is an entry point`,
      });
    }
  },
});
