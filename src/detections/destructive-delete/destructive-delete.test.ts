import { write } from '../events.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

const NAMESPACE_CONTROLLER = {
  username: 'system:serviceaccount:kube-system:namespace-controller',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
};
/** What kubectl sends as the body of a delete. */
const deleteOptions = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' };

testDetection(detection, {
  valid: [
    {
      name: 'a single pod deleted (a restart)',
      events: [
        write({ verb: 'delete', resource: 'pods', namespace: 'shop', name: 'web-7d4b9c-x7k2p', body: deleteOptions }),
      ],
    },
    {
      name: 'a custom ClusterRole deleted',
      events: [write({ verb: 'delete', resource: 'clusterroles', name: 'some-reader' })],
    },
    {
      name: 'the namespace controller emptying a namespace (allow-listed)',
      events: [
        write({
          verb: 'deletecollection',
          resource: 'configmaps',
          namespace: 'preview-42',
          user: NAMESPACE_CONTROLLER,
          userAgent: 'kube-controller-manager/v1.31.0',
        }),
      ],
    },
    {
      name: 'a delete the API server refused',
      events: [write({ verb: 'delete', resource: 'namespaces', namespace: 'prod', name: 'prod', code: 403 })],
    },
  ],
  invalid: [
    {
      name: 'kubectl delete namespace',
      events: [write({ verb: 'delete', resource: 'namespaces', namespace: 'prod', name: 'prod', body: deleteOptions })],
      alerts: [{ techniques: ['MS-TA9038'], severity: 'high', message: /^Namespace 'prod' was deleted$/ }],
    },
    {
      name: 'kube-system deleted',
      events: [write({ verb: 'delete', resource: 'namespaces', namespace: 'kube-system', name: 'kube-system' })],
      alerts: [{ severity: 'critical', message: /the cluster depends on it/ }],
    },
    {
      name: 'kubectl delete pvc --all -A',
      events: [write({ verb: 'deletecollection', resource: 'persistentvolumeclaims' })],
      alerts: [
        {
          severity: 'critical',
          message: /^every persistentvolumeclaims in all namespaces \(matching the request\) were deleted$/,
        },
      ],
    },
    {
      name: 'all pods of one namespace',
      events: [write({ verb: 'deletecollection', resource: 'pods', namespace: 'shop' })],
      alerts: [{ severity: 'high', message: /in namespace shop/ }],
    },
    {
      name: 'a Deployment deleted',
      events: [write({ verb: 'delete', resource: 'deployments', namespace: 'shop', name: 'web', body: deleteOptions })],
      alerts: [{ severity: 'low', message: /^Deployment 'web' in shop was deleted$/ }],
    },
    {
      name: 'a built-in ClusterRole deleted',
      events: [write({ verb: 'delete', resource: 'clusterroles', name: 'system:kube-aggregator' })],
      alerts: [{ severity: 'high', message: /^ClusterRole 'system:kube-aggregator' was deleted$/ }],
    },
    {
      name: 'a PersistentVolume deleted',
      events: [write({ verb: 'delete', resource: 'persistentvolumes', name: 'pvc-3f2a' })],
      alerts: [{ severity: 'high' }],
    },
  ],
});
