import { execEvent } from '../exec.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

testDetection(detection, {
  valid: [
    { name: 'an interactive shell without a command', events: [execEvent({ command: ['bash'], interactive: true })] },
    {
      name: 'listing the secrets directory of the app, not the token mount',
      events: [execEvent({ command: ['ls', '/var/run/secrets/app/'] })],
    },
    {
      name: 'reading an AWS config file, not the credentials',
      events: [execEvent({ command: ['cat', '/root/.aws/config'] })],
    },
    { name: 'attach has no command', events: [execEvent({ kind: 'attach', interactive: true })] },
    {
      name: 'a refused read of the token',
      events: [
        execEvent(
          { command: ['cat', '/var/run/secrets/kubernetes.io/serviceaccount/token'] },
          { stage: 'ResponseComplete', responseStatus: { code: 403 } },
        ),
      ],
    },
  ],
  invalid: [
    {
      name: 'cat of the mounted ServiceAccount token',
      events: [execEvent({ command: ['cat', '/var/run/secrets/kubernetes.io/serviceaccount/token'] })],
      alerts: [
        {
          severity: 'high',
          techniques: ['MS-TA9016'],
          message:
            'alice@example.com ran a command in pod default/web-7d4b9c6f5-x2x8q that reads the ServiceAccount token ("/var/run/secrets/kubernetes.io/serviceaccount").',
        },
      ],
    },
    {
      name: 'a projected token through sh -c, in a PodExecOptions body (level Request, no command in the URI)',
      events: [
        execEvent(
          {},
          {
            level: 'Request',
            requestURI: '/api/v1/namespaces/shop/pods/api/exec',
            objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'api' },
            requestObject: {
              kind: 'PodExecOptions',
              command: ['sh', '-c', 'base64 /var/run/secrets/tokens/vault-token'],
            },
          },
        ),
      ],
      alerts: [{ techniques: ['MS-TA9016'], message: /pod shop\/api that reads a projected ServiceAccount token/ }],
    },
    {
      name: 'an exec opened with get (WebSocket) copying AWS credentials out',
      events: [execEvent({ command: ['tar', 'cf', '-', '/root/.aws/credentials'] }, { verb: 'get' })],
      alerts: [{ techniques: ['MS-TA9026'], message: /reads AWS credentials/ }],
    },
    {
      name: 'the token and the IRSA token at once, upper case',
      events: [
        execEvent({
          command: [
            'sh',
            '-c',
            'cat /VAR/RUN/SECRETS/KUBERNETES.IO/SERVICEACCOUNT/TOKEN /var/run/secrets/eks.amazonaws.com/serviceaccount/token',
          ],
        }),
      ],
      alerts: [{ techniques: ['MS-TA9016', 'MS-TA9026'] }],
    },
  ],
});
