import { execEvent } from '../exec.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

testDetection(detection, {
  valid: [
    {
      name: 'kubectl cp into a pod extracts (tar xmf -)',
      events: [execEvent({ command: ['tar', 'xmf', '-', '-C', '/tmp'] })],
    },
    {
      name: 'GNU-style extraction with -C, whose capital C is not create',
      events: [execEvent({ command: ['tar', '--no-same-permissions', '--no-same-owner', '-xmf', '-', '-C', '/app'] })],
    },
    { name: 'listing an archive', events: [execEvent({ command: ['tar', 'tvf', '/backup/db.tar'] })] },
    { name: 'a tar-like name', events: [execEvent({ command: ['/usr/bin/star', 'cf', '-', '/data'] })] },
    {
      name: 'a refused copy',
      events: [
        execEvent(
          { command: ['tar', 'cf', '-', '/etc'] },
          { stage: 'ResponseComplete', responseStatus: { code: 403 } },
        ),
      ],
    },
  ],
  invalid: [
    {
      name: 'kubectl cp POD:/var/lib/app/db.sqlite .',
      events: [execEvent({ command: ['tar', 'cf', '-', '/var/lib/app/db.sqlite'] })],
      alerts: [
        {
          severity: 'medium',
          techniques: ['MS-TA9041'],
          message:
            /^alice@example\.com archived "\/var\/lib\/app\/db\.sqlite" in pod default\/web-7d4b9c6f5-x2x8q with tar, streaming/,
        },
      ],
    },
    {
      name: 'kubectl cp resuming with --retries (sh -c … | tail)',
      events: [execEvent({ command: ['sh', '-c', 'tar cf - /srv/export | tail -c+1048577'] })],
      alerts: [{ message: /archived "\/srv\/export"/ }],
    },
    {
      name: 'dash options with compression',
      events: [execEvent({ command: ['/bin/tar', '-czf', '-', '-C', '/', 'etc/ssl/private'] }, { verb: 'get' })],
      alerts: [{ message: /archived "etc\/ssl\/private"/ }],
    },
    {
      name: 'long option, nothing after it',
      events: [execEvent({ command: ['tar', '--create', '--file=-', '--verbose'] })],
      alerts: [{ message: /archived files in pod/ }],
    },
  ],
});
