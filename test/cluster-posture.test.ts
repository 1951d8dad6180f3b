import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanManifests } from '../src/engine/scan.js';
import { repoRoot } from './paths.js';

/**
 * One realistic cluster (test/fixtures/cluster): a default-deny namespace whose API may reach the internet but not
 * the metadata address, a shop front behind an Ingress with a cloud role and no policies, the Kubernetes Dashboard
 * on a LoadBalancer bound to cluster-admin, a vendor's mutating webhook outside the cluster, and a kubeadm API
 * server with anonymous auth left on and no audit log. Every finding is asserted: what is there and what is not.
 */
describe('cluster-wide posture of a realistic cluster', async () => {
  const { report } = await scanManifests([path.join(repoRoot, 'test/fixtures/cluster')]);
  const row = (finding: (typeof report.findings)[number]) =>
    `${finding.severity} ${finding.checkId} ${finding.resource.kind}/${finding.resource.namespace ?? ''}/${finding.resource.name} ${path.basename(finding.location?.file ?? '')}:${finding.location?.line}`;

  it('reads every object without an error or a warning', () => {
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
  });

  it('reports the exposures, isolation gaps, admission and control-plane weaknesses, and nothing in payments', () => {
    const above = report.findings.filter((finding) => !['low', 'info'].includes(finding.severity)).map(row);
    expect(above).toEqual([
      'critical rbac-cluster-admin ServiceAccount/kubernetes-dashboard/kubernetes-dashboard dashboard.yaml:11',
      'critical workload-token-permissions Deployment/kubernetes-dashboard/kubernetes-dashboard dashboard.yaml:21',
      'critical management-interface Deployment/kubernetes-dashboard/kubernetes-dashboard dashboard.yaml:24',
      'high admission-webhooks MutatingWebhookConfiguration//vendor-injector webhook.yaml:6',
      'medium apiserver-anonymous-access Pod/kube-system/kube-apiserver kube-apiserver.yaml:14',
      'medium apiserver-audit-log Pod/kube-system/kube-apiserver kube-apiserver.yaml:14',
      'medium apiserver-encryption-at-rest Pod/kube-system/kube-apiserver kube-apiserver.yaml:14',
      'medium metadata-egress Namespace//web namespaces.yaml:13',
      'medium metadata-egress Namespace//kubernetes-dashboard namespaces.yaml:20',
      'medium workload-identity ServiceAccount/web/storefront web.yaml:9',
    ]);
    const entries = report.findings.filter((finding) => finding.checkId === 'internet-facing').map(row);
    expect(entries).toEqual([
      'info internet-facing Deployment/kubernetes-dashboard/kubernetes-dashboard dashboard.yaml:19',
      'info internet-facing Deployment/web/storefront web.yaml:17',
    ]);
    // The hardened, default-deny namespace whose egress policy excludes the metadata address: nothing at all.
    expect(report.findings.filter((finding) => finding.resource.namespace === 'payments').map(row)).toEqual([]);
  });

  it("shows how the API server's static pod has to run as expected, not as its weaknesses", () => {
    const onApiServer = report.findings.filter(
      (finding) => finding.resource.name === 'kube-apiserver' && !finding.checkId.startsWith('apiserver-'),
    );
    expect(onApiServer.map((finding) => finding.checkId).sort()).toEqual([
      'allow-privilege-escalation',
      'drop-all-capabilities',
      'host-network',
      'net-raw',
      'read-only-root-filesystem',
      'resource-limits',
      'run-as-non-root',
      'seccomp-profile',
      'sensitive-host-path-read',
      'service-account-token',
    ]);
    for (const finding of onApiServer) {
      expect(finding.severity).toBe('info');
      expect(finding.message).toMatch(/^expected for a system component: /);
    }
  });

  it('says each namespace-wide gap once, on the namespace, with its workloads as evidence', () => {
    const isolation = report.findings.filter((finding) => finding.checkId === 'network-policy');
    expect(isolation.map(row)).toEqual([
      'low network-policy Namespace//web namespaces.yaml:13',
      'low network-policy Namespace//kubernetes-dashboard namespaces.yaml:20',
    ]);
    expect(isolation[0]?.evidence?.map((entry) => entry.resource?.name)).toContain('storefront');
  });

  it('names why each exposure matters: the route, the webhook URL host, the missing flags', () => {
    const find = (check: string) => report.findings.find((finding) => finding.checkId === check);
    expect(find('management-interface')?.message).toMatch(/LoadBalancer/);
    expect(find('admission-webhooks')?.message).toMatch(/hooks\.vendor\.example\.com/);
    expect(find('admission-webhooks')?.techniques).toEqual(['MS-TA9015', 'MS-TA9011']);
    expect(find('apiserver-anonymous-access')?.techniques).toEqual(['MS-TA9005', 'MS-TA9029']);
    expect(find('apiserver-audit-log')?.mitigations).toEqual(['MS-M9020']);
    expect(find('workload-identity')?.techniques).toEqual(['MS-TA9020']);
    const entry = report.findings.find(
      (finding) => finding.checkId === 'internet-facing' && finding.resource.name === 'storefront',
    );
    expect(entry?.evidence?.map((item) => item.text).join(' ')).toMatch(/Ingress/);
  });
});
