import { NGINX, workload, write } from '../events.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

const web = workload('Deployment', 'web', { containers: [NGINX] });
const withSidecar = workload('Deployment', 'web', { containers: [NGINX, { name: 'helper', image: 'evil/tunnel:1' }] });
const created = write({ resource: 'deployments', namespace: 'shop', body: web });

testDetection(detection, {
  valid: [
    {
      name: 'kubectl set image changes an existing container',
      events: [
        created,
        write({
          verb: 'patch',
          resource: 'deployments',
          namespace: 'shop',
          name: 'web',
          body: { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } } } },
          response: workload('Deployment', 'web', { containers: [{ name: 'nginx', image: 'nginx:1.28' }] }),
        }),
      ],
    },
    {
      name: 'the first write seen of an object only teaches its containers',
      events: [write({ verb: 'update', resource: 'deployments', namespace: 'shop', name: 'web', body: withSidecar })],
    },
    {
      name: 'a replace that keeps the same containers',
      events: [created, write({ verb: 'update', resource: 'deployments', namespace: 'shop', name: 'web', body: web })],
    },
  ],
  invalid: [
    {
      name: 'a sidecar added by replacing the Deployment',
      events: [
        created,
        write({ verb: 'update', resource: 'deployments', namespace: 'shop', name: 'web', body: withSidecar }),
      ],
      alerts: [
        {
          techniques: ['MS-TA9011'],
          severity: 'medium',
          message:
            /^Deployment 'web' in shop was replaced adding container 'helper' \(evil\/tunnel:1\) to its pod template$/,
        },
      ],
    },
    {
      name: 'a strategic-merge patch logged at level Request, after a create',
      events: [
        created,
        write({
          verb: 'patch',
          resource: 'deployments',
          namespace: 'shop',
          name: 'web',
          body: { spec: { template: { spec: { containers: [{ name: 'helper', image: 'evil/tunnel:1' }] } } } },
        }),
      ],
      alerts: [{ message: /patched adding container 'helper'/ }],
    },
    {
      name: 'a JSON patch appends an init container, no history needed',
      events: [
        write({
          verb: 'patch',
          resource: 'statefulsets',
          namespace: 'db',
          name: 'postgres',
          body: [
            {
              op: 'add',
              path: '/spec/template/spec/initContainers/-',
              value: { name: 'init-x', image: 'busybox:1.36', command: ['sh', '-c', 'true'] },
            },
          ],
        }),
      ],
      alerts: [{ message: /^StatefulSet 'postgres' in db was patched adding container 'init-x' \(busybox:1.36\)/ }],
    },
    {
      name: 'kubectl debug adds an ephemeral container',
      events: [
        write({
          verb: 'patch',
          resource: 'pods',
          subresource: 'ephemeralcontainers',
          namespace: 'shop',
          name: 'web-7d4b9c-x7k2p',
          body: {
            spec: {
              ephemeralContainers: [
                { name: 'debugger-8xk2q', image: 'busybox:1.36', stdin: true, tty: true, targetContainerName: 'nginx' },
              ],
            },
          },
        }),
      ],
      alerts: [
        { message: /^Pod 'web-7d4b9c-x7k2p' in shop got an ephemeral container 'debugger-8xk2q' \(busybox:1.36\)/ },
      ],
    },
  ],
});
