import { asRecord } from '../../inventory/index.js';
import { nodeLevelExposures, reachesNode } from '../../k8s/node-exposure.js';
import { defineDetection } from '../define.js';
import { applied, describeTarget, imagesOf, touches, writtenObject, writtenPodSpec, wrote } from '../objects.js';

export default defineDetection({
  id: 'cronjob-written',
  title: 'CronJob created or changed',
  severity: 'medium',
  techniques: ['MS-TA9014'],
  description:
    'A CronJob is created, or replaced or patched in its schedule, suspension or job template. High when the job template reaches the node (privileged, escape capabilities, runtime socket, writable hostPath, host PID or network), unless that is only hostPaths and runtime sockets its containers provably reach as an unprivileged user (a non-root UID and groups, no DAC capabilities, no privilege escalation).',
  rationale:
    'A CronJob runs its pod again and again on a schedule, long after the attacker who wrote it has lost access: a quiet way to persist, to mine, or to pull fresh credentials from the cluster every few minutes.',
  response:
    "Check the schedule, images and command of the CronJob against what the team runs, and its service account's permissions; suspend (`spec.suspend: true`) or delete it if nobody vouches for it, and look at the jobs it already ran.",
  fields: [
    'verb',
    'objectRef.resource',
    'requestObject.spec.schedule',
    'requestObject.spec.suspend',
    'requestObject.spec.jobTemplate.spec.template.spec',
  ],
  level: 'Request',
  benign:
    'Backups, reports, certificate renewals and clean-up jobs deployed by hand, Helm or GitOps. Deployment tools that write CronJobs routinely may be allow-listed in `audit.allow.users`.',
  on: { verbs: ['create', 'update', 'patch'], resources: ['cronjobs'] },
  detect(event, { alert }) {
    if (!applied(event) || !touches(event, ['spec'])) return;
    const schedule = asRecord(writtenObject(event)?.spec).schedule;
    const pod = writtenPodSpec(event, 'result');
    const exposures = pod ? nodeLevelExposures(pod) : [];
    const details = [
      ...(typeof schedule === 'string' ? [`on schedule '${schedule}'`] : []),
      ...(pod ? [`running ${imagesOf(pod)}`] : []),
      ...(exposures.length ? [`with ${exposures.map((exposure) => exposure.what).join('; ')}`] : []),
    ];
    alert({
      severity: reachesNode(exposures) ? 'high' : 'medium',
      message: `${describeTarget(event)} was ${wrote(event)}${details.length ? ` ${details.join(', ')}` : ''}: it will run again on its own`,
    });
  },
});
