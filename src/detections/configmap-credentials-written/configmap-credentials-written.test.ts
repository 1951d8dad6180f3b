import { write } from '../events.fixtures.js';
import { testDetection } from '../tester.js';
import detection from './index.js';

const configMap = (data: Record<string, string>, binaryData?: Record<string, string>) => ({
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: { name: 'app-config', namespace: 'shop' },
  data,
  ...(binaryData ? { binaryData } : {}),
});

testDetection(detection, {
  valid: [
    {
      name: 'plain settings',
      events: [
        write({
          resource: 'configmaps',
          namespace: 'shop',
          body: configMap({ 'ui.properties': 'color.good=purple\ncolor.bad=yellow\nallow.textmode=true\n' }),
        }),
      ],
    },
    {
      name: 'references to secrets, not secrets',
      events: [
        write({
          resource: 'configmaps',
          namespace: 'shop',
          body: configMap({ DB_PASSWORD_FILE: '/run/secrets/db', API_TOKEN: '$(API_TOKEN)' }),
        }),
      ],
    },
    {
      name: 'a patch of an unrelated key, though the ConfigMap holds a password',
      events: [
        write({
          verb: 'patch',
          resource: 'configmaps',
          namespace: 'shop',
          name: 'app-config',
          body: { data: { LOG_LEVEL: 'debug' } },
          response: configMap({ LOG_LEVEL: 'debug', DB_PASSWORD: 'hunter2hunter2' }),
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'AWS keys in a properties file',
      events: [
        write({
          resource: 'configmaps',
          namespace: 'shop',
          body: configMap({
            'access.properties':
              'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
          }),
        }),
      ],
      alerts: [
        {
          techniques: ['MS-TA9027'],
          severity: 'high',
          message:
            /^ConfigMap 'app-config' in shop was created with credentials: key 'access.properties' holds a plain-text credential: 'aws_access_key_id', line 1: AWS access key id AKIA…\(20 chars\); 'aws_secret_access_key', line 2: access key \(40 chars\)$/,
        },
      ],
    },
    {
      name: 'a patch adds a password',
      events: [
        write({
          verb: 'patch',
          resource: 'configmaps',
          namespace: 'shop',
          name: 'app-config',
          body: { data: { DB_PASSWORD: 'hunter2hunter2' } },
        }),
      ],
      alerts: [
        { severity: 'medium', message: /key 'DB_PASSWORD' holds a plain-text credential: password \(14 chars\)/ },
      ],
    },
    {
      name: 'a private key file as binaryData',
      events: [
        write({
          verb: 'update',
          resource: 'configmaps',
          namespace: 'shop',
          name: 'app-config',
          body: configMap({}, { id_rsa: 'LS0tLS1CRUdJTiBPUEVOU1NIIFBSSVZBVEUgS0VZLS0tLS0=' }),
        }),
      ],
      alerts: [{ severity: 'medium', message: /binaryData key 'id_rsa' is named like a credential \(key file\)/ }],
    },
  ],
});
