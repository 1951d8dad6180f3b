import { defineDetection } from '../../src/detections/define.js';

/**
 * Stand-ins for the real rules (src/detections/<id>/), so that the audit command's tests depend on its plumbing only:
 * vi.mock('../../src/detections/index.js') hands these to it as `allDetections`.
 */
export const testDetections = [
  defineDetection({
    id: 'test-exec',
    title: 'Exec into a pod',
    severity: 'high',
    techniques: ['MS-TA9006'],
    description: 'A user opened a shell in a container.',
    rationale: 'Test rule.',
    response: 'Test rule.',
    fields: ['objectRef.subresource'],
    level: 'Metadata',
    benign: 'Test rule.',
    on: { verbs: ['create'], resources: ['pods/exec'] },
    detect(event, context) {
      context.alert({ message: `exec into pod ${event.objectRef?.name ?? ''}` });
    },
  }),
  defineDetection({
    id: 'test-anonymous',
    title: 'Anonymous request',
    severity: 'medium',
    techniques: ['MS-TA9005'],
    description: 'An anonymous request succeeded.',
    rationale: 'Test rule.',
    response: 'Test rule.',
    fields: ['user.username'],
    level: 'Metadata',
    benign: 'Test rule.',
    everyone: true,
    on: {},
    detect(event, context) {
      if (event.user.username === 'system:anonymous') context.alert({ message: 'anonymous request' });
    },
  }),
  defineDetection({
    id: 'test-proxy',
    title: 'Request from a listed proxy',
    severity: 'low',
    techniques: ['MS-TA9024'],
    description: 'A request came from a listed address.',
    rationale: 'Test rule.',
    response: 'Test rule.',
    fields: ['sourceIPs'],
    level: 'Metadata',
    benign: 'Test rule.',
    everyone: true,
    on: {},
    detect(event, context) {
      if (event.sourceIPs?.some((ip) => context.settings.proxyAddresses.has(ip))) {
        context.alert({ message: 'request from a listed proxy' });
      }
    },
  }),
];
