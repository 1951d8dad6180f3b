import { execEvent } from '../exec.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

testDetection(detection, {
  valid: [
    {
      name: 'an ordinary curl',
      events: [execEvent({ command: ['curl', '-s', 'http://api.default.svc:8080/health'] })],
    },
    { name: 'a shell with no command words', events: [execEvent({ command: ['bash'], interactive: true })] },
    {
      name: 'a refused exec',
      events: [
        execEvent(
          { command: ['curl', 'http://169.254.169.254/latest/meta-data/'] },
          { stage: 'ResponseComplete', responseStatus: { code: 403 } },
        ),
      ],
    },
  ],
  invalid: [
    {
      name: 'AWS IMDS role credentials through sh -c',
      events: [
        execEvent({
          command: ['sh', '-c', 'curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/node-role'],
        }),
      ],
      alerts: [
        {
          severity: 'high',
          techniques: ['MS-TA9028', 'MS-TA9033'],
          message: /asks the metadata service at "169\.254\.169\.254" for credentials\.$/,
        },
      ],
    },
    {
      name: 'GCP service-account token, host name in upper case',
      events: [
        execEvent({
          command: [
            'curl',
            '-H',
            'Metadata-Flavor: Google',
            'http://Metadata.Google.Internal/computeMetadata/v1/instance/service-accounts/default/token',
          ],
        }),
      ],
      alerts: [{ severity: 'high', message: /"metadata\.google\.internal" for credentials/ }],
    },
    {
      name: 'Azure managed identity token',
      events: [
        execEvent({
          command: [
            'wget',
            '--header=Metadata: true',
            '-qO-',
            'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/',
          ],
        }),
      ],
      alerts: [{ severity: 'high', techniques: ['MS-TA9028', 'MS-TA9033'] }],
    },
    {
      name: 'AWS IPv6 endpoint, instance facts only: discovery',
      events: [execEvent({ command: ['curl', 'http://[fd00:ec2::254]/latest/meta-data/placement/region'] })],
      alerts: [
        {
          severity: 'medium',
          techniques: ['MS-TA9033'],
          message: /reaches the metadata service at "fd00:ec2::254"\.$/,
        },
      ],
    },
    {
      name: 'Alibaba Cloud',
      events: [execEvent({ command: ['curl', 'http://100.100.100.200/latest/meta-data/ram/security-credentials/'] })],
      alerts: [{ severity: 'high', message: /"100\.100\.100\.200"/ }],
    },
    {
      name: 'the address written as one decimal number',
      events: [
        execEvent({ command: ['python3', '-c', 'import urllib.request as u; u.urlopen("http://2852039166/")'] }),
      ],
      alerts: [{ severity: 'medium', message: /"2852039166"/ }],
    },
    {
      name: 'EKS Pod Identity agent',
      events: [
        execEvent({
          command: [
            'sh',
            '-c',
            'curl -H "Authorization: $(cat $AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)" http://169.254.170.23/v1/credentials',
          ],
        }),
      ],
      alerts: [{ severity: 'high', message: /"169\.254\.170\.23"/ }],
    },
  ],
});
