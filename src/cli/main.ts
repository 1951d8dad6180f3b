import { Command, CommanderError, Option } from 'commander';
import { printableLines } from '../report/terminal/text.js';
import { version } from '../version.js';
import { ExitCode, UsageError } from './io.js';

// Each subcommand's module is imported only when it runs, so `--version` and `--help` stay fast.
type Action = (...args: never[]) => number | undefined | Promise<number | undefined> | Promise<void> | void;
const lazy =
  (load: () => Promise<{ default: Action }>) =>
  async (...args: unknown[]) => {
    const { default: action } = await load();
    process.exitCode = (await (action as (...a: unknown[]) => unknown)(...args)) as number | undefined;
  };

const outputOption = (choices: string[], fallback: string) =>
  new Option('-o, --output <format>', 'output format').choices(choices).default(fallback);

export function buildProgram(): Command {
  const program = new Command('kubematrix')
    .description('Map Kubernetes workloads and permissions onto the Threat Matrix for Kubernetes.')
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    // Set before adding subcommands, which copy it: every usage error then reaches run() and exits 2.
    .exitOverride()
    // Its errors quote the command line ("unknown command '…'"), which may hold anything.
    .configureOutput({ outputError: (text, write) => write(printableLines(text)) })
    .addHelpText(
      'after',
      `
Exit codes:
  0  success
  1  findings at or above a --fail-on threshold (reserved: no gate yet)
  2  usage error or unusable input`,
    );

  program
    .command('matrix')
    .description('print the Threat Matrix for Kubernetes: tactics and their techniques')
    .addOption(outputOption(['table', 'json'], 'table'))
    .action(lazy(() => import('./commands/matrix.js')));

  program
    .command('explain')
    .description('explain a technique or mitigation: by ID (MS-TA9013, ms-m9013) or name fragment (hostpath)')
    .argument('<id-or-name>', 'technique or mitigation ID, or part of its name')
    .addOption(outputOption(['table', 'json'], 'table'))
    .action(lazy(() => import('./commands/explain.js')));

  program
    .command('scan')
    .description('scan Kubernetes manifests (files, directories, - for stdin) and map findings onto the matrix')
    .argument(
      '[paths...]',
      'YAML/JSON files or directories; - reads standard input (helm template … | kubematrix scan -)',
    )
    .addOption(outputOption(['table', 'json', 'matrix'], 'table'))
    .option('-c, --config <file>', 'suppressions and check settings (default: .kubematrix.yaml if present)')
    .option('--show-suppressed', 'list suppressed findings too, marked with their reason')
    .action(lazy(() => import('./commands/scan.js')));

  const rbac = program.command('rbac').description('effective RBAC permissions of the manifests, and what they open');
  rbac
    .command('who-can')
    .description('subjects that can VERB RESOURCE (pods, pods/exec, deployments.apps), and through which bindings')
    .argument('<verb>', 'get, list, create, escalate, impersonate, …')
    .argument('<resource>', 'resource, resource/subresource or resource.group (a URL such as /metrics too)')
    .argument('[paths...]', 'YAML/JSON files or directories; - reads standard input')
    .option('-n, --namespace <namespace>', 'only grants that apply in this namespace')
    .addOption(outputOption(['table', 'json'], 'table'))
    .action(lazy(() => import('./commands/rbac.js').then((module) => ({ default: module.whoCan }))));
  rbac
    .command('subject')
    .description("a subject's effective permissions (its groups' included), grouped by the techniques they open")
    .argument('<kind/name>', 'sa/NAME, user/NAME or group/NAME')
    .argument('[paths...]', 'YAML/JSON files or directories; - reads standard input')
    .option('-n, --namespace <namespace>', "the ServiceAccount's namespace (default: every one found)")
    .addOption(outputOption(['table', 'json'], 'table'))
    .action(lazy(() => import('./commands/rbac.js').then((module) => ({ default: module.subject }))));

  return program;
}

export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" only to commander.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof UsageError) {
      // Messages may quote arguments and config fields, hostile or not: escaped, our own line breaks kept.
      process.stderr.write(`kubematrix: ${printableLines(error.message)}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
}
