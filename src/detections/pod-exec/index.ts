import { defineDetection } from '../define.js';
import { EXEC_RESOURCES, EXEC_VERBS, execRequest, programName } from '../exec.js';
import { objectName, quoted, SYSTEM_NAMESPACE } from '../request.js';

export default defineDetection({
  id: 'pod-exec',
  title: 'Exec or attach into a container',
  severity: 'medium',
  techniques: ['MS-TA9006'],
  description:
    'A user opened an exec or attach session in a running container (`pods/exec`, `pods/attach`), as `kubectl exec` and `kubectl attach` do; high in kube-system.',
  rationale:
    "A command run inside a container acts with the container's files, network position and service-account token, outside any image review or admission check; attackers holding a stolen credential use it to run their tools in place.",
  response:
    'Confirm with the user that the session was expected (debugging, an incident); read what ran from the `command` words of `requestURI` and the rules on shells, tar and metadata addresses; if not expected, revoke the credential and inspect the pod and its service account.',
  fields: [
    'objectRef.resource',
    'objectRef.subresource',
    'verb',
    'stage',
    'responseStatus.code',
    'requestURI (command, container, stdin, tty)',
  ],
  level: 'Metadata',
  benign:
    'Developers and operators debugging with `kubectl exec`, and tools that exec by design (backup agents, CI steps running checks in pods); allow-list their identities.',
  on: { verbs: EXEC_VERBS, resources: EXEC_RESOURCES },
  detect(event, ctx) {
    const exec = execRequest(event);
    if (!exec) return;
    const target = `pod ${objectName(event)}${exec.container ? `, container ${quoted(exec.container)}` : ''}`;
    const program = exec.command[0];
    const how =
      exec.kind === 'attach' ? 'attached to' : exec.interactive ? 'opened an interactive exec in' : 'ran an exec in';
    ctx.alert({
      message: `${event.user.username ?? 'unknown user'} ${how} ${target}${program === undefined ? '' : ` (${quoted(programName(program))})`}.`,
      severity: event.objectRef?.namespace === SYSTEM_NAMESPACE ? 'high' : 'medium',
    });
  },
});
