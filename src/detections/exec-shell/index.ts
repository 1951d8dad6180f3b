import { defineDetection } from '../define.js';
import { EXEC_RESOURCES, EXEC_VERBS, execRequest, programName, SHELLS, unwrap } from '../exec.js';
import { objectName, quoted } from '../request.js';

/**
 * Interpreters that run code given on the command line or typed in, by {@link programName}: versioned names
 * (`python3.12`, `perl5.36`, `php8`) included. Shells come from {@link SHELLS}.
 */
const INTERPRETER =
  /^(?:python[\d.]*|pypy[\d.]*|perl[\d.]*|ruby[\d.]*|irb|node(?:js)?|deno|bun|php[\d.]*|lua(?:jit)?[\d.]*|tclsh[\d.]*|pwsh|powershell|cmd|jshell|groovy|rscript)$/;

export default defineDetection({
  id: 'exec-shell',
  title: 'Shell or interpreter run in a container',
  severity: 'medium',
  techniques: ['MS-TA9007'],
  description:
    'An exec started a command shell (sh, bash, ash, zsh, …) or a script interpreter (python, perl, ruby, node, php, PowerShell, cmd, …) in a container, directly, through a path or behind a wrapper such as `env` or `busybox`.',
  rationale:
    'A shell or interpreter runs whatever it is given, typed in or passed with `-c`, so the audit log no longer shows what was done: it is how attackers explore a container, fetch tools and reach its credentials.',
  response:
    'Ask the user what the session was for; if unexplained, treat the container as compromised: look for new files and processes, and rotate the secrets and the service-account token it holds.',
  fields: ['objectRef.subresource', 'requestURI (command)', 'stage', 'responseStatus.code'],
  level: 'Metadata',
  benign:
    '`kubectl exec -it … -- sh` for debugging, and scripted maintenance (`sh -c "…"` in runbooks, database shells); allow-list the operators that do it routinely. Images without a shell make the rule quieter and the attack harder.',
  on: { verbs: EXEC_VERBS, resources: EXEC_RESOURCES },
  detect(event, ctx) {
    const exec = execRequest(event);
    const command = exec ? unwrap(exec.command) : [];
    const program = command[0];
    if (!exec || program === undefined) return;
    const name = programName(program);
    const kind = SHELLS.has(name) ? 'shell' : INTERPRETER.test(name) ? 'interpreter' : undefined;
    if (!kind) return;
    const how = exec.interactive ? 'interactively' : command.length > 1 ? 'with arguments' : 'without a terminal';
    ctx.alert({
      message: `${event.user.username ?? 'unknown user'} ran the ${kind} ${quoted(name)} ${how} in pod ${objectName(event)}.`,
    });
  },
});
