import { defineDetection } from '../define.js';
import { EXEC_RESOURCES, EXEC_VERBS, execRequest, programName, simpleCommands } from '../exec.js';
import { objectName, quoted } from '../request.js';

/**
 * Whether a `tar` command line creates an archive: bundled letters without a dash (`tar cf - /data`, as kubectl cp
 * sends), short options (`tar -czf`) or `--create`. `-C` (change directory) is upper case and does not count.
 */
function creates(tar: readonly string[]): boolean {
  const first = tar[1] ?? '';
  if (/^[a-zA-Z]+$/.test(first)) return first.includes('c');
  return tar.slice(1).some((arg) => arg === '--create' || /^-[a-zA-Z]*c[a-zA-Z]*$/.test(arg));
}

export default defineDetection({
  id: 'exec-copy-from-pod',
  title: 'Files copied out of a container (kubectl cp)',
  severity: 'medium',
  techniques: ['MS-TA9041'],
  description:
    "An exec ran `tar` to create an archive, as `kubectl cp POD:PATH …` does (`tar cf - PATH`, or `sh -c 'tar cf - PATH | tail -c+N'` when it resumes): the container's files stream back to the client.",
  rationale:
    'Copying from a container takes its data (application files, keys, database dumps) without any network path out of the cluster: the API server carries it, authorised by exec rights alone.',
  response:
    'Ask the user what was copied and why (the path is in the message); if unexplained, treat the files as disclosed and rotate any credentials among them.',
  fields: ['objectRef.subresource', 'requestURI (command)', 'stage', 'responseStatus.code'],
  level: 'Metadata',
  benign:
    'Collecting logs, heap dumps or reports from a pod with `kubectl cp` while debugging, and backup tools that stream archives through exec. Copying into a pod (`tar xf -`) is not reported: it brings files in rather than taking data out.',
  on: { verbs: EXEC_VERBS, resources: EXEC_RESOURCES },
  detect(event, ctx) {
    const exec = execRequest(event);
    if (!exec) return;
    const tar = simpleCommands(exec.command).find(
      (words) => programName(words[0] as string) === 'tar' && creates(words),
    );
    if (!tar) return;
    const last = tar[tar.length - 1] as string;
    const what = tar.length > 2 && !last.startsWith('-') ? quoted(last) : 'files';
    ctx.alert({
      message: `${event.user.username ?? 'unknown user'} archived ${what} in pod ${objectName(event)} with tar, streaming it out as kubectl cp does.`,
    });
  },
});
