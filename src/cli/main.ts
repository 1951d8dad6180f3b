// First: the zod schemas the other modules build read it.
import './jitless.js';
import * as commander from 'commander';
import { reportFormats } from '../report/index.js';
import { printable, printableLines } from '../report/terminal/text.js';
import { version } from '../version.js';
import { ExitCode, type Io, processIo, UsageError } from './io.js';

// Imported, not required: the bundle the bin runs (scripts/build-cli.mjs) then holds commander and its code cache.
const { Command, CommanderError, Option } = commander;

/** A command's action: the process it runs in, then what commander parsed. Returns the exit code. */
type Action = (io: Io, ...args: never[]) => number | undefined | Promise<number | undefined>;

/** An option given any number of times: every value, in order. */
const repeatable = (value: string, previous: string[] = []) => [...previous, value];

/** An option given any number of times, each a comma-separated list: every item, in order. */
const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
];

const outputOption = (choices: readonly string[], fallback: string) =>
  new Option('-o, --output <format>', 'output format').choices(choices).default(fallback);

export function buildProgram(io: Io, exit: { code: number }): commander.Command {
  // Each subcommand's module is imported only when it runs, so `--version` and `--help` stay fast.
  const lazy =
    (load: () => Promise<Action>) =>
    async (...args: unknown[]) => {
      const action = await load();
      exit.code = (await (action as (io: Io, ...a: unknown[]) => number | undefined)(io, ...args)) ?? ExitCode.ok;
    };
  const program = new Command('kubematrix')
    .description('Map Kubernetes workloads and permissions onto the Threat Matrix for Kubernetes.')
    .version(version, '-V, --version')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Commander's errors quote the unknown option or argument as typed: escaped, like every input text.
      outputError: (text, write) => write(printableLines(text)),
    })
    .showHelpAfterError('(run with --help for usage)')
    // Options after a subcommand's name are that subcommand's: `audit serve -c FILE` must not hand -c to `audit`,
    // which has its own (commander otherwise gives an option to the first command along the line that knows it).
    .enablePositionalOptions()
    // Set before adding subcommands, which copy it: every usage error then reaches run() and exits 2.
    .exitOverride()
    .addHelpText(
      'after',
      `
Exit codes:
  0  success
  1  an unsuppressed finding at or above the --fail-on severity (paths: an attack path; fix: a fix file
     would reject a workload that runs today)
  2  usage error or unusable input`,
    );

  program
    .command('matrix')
    .description('print the Threat Matrix for Kubernetes: tactics and their techniques')
    .addOption(outputOption(['table', 'json'], 'table'))
    .action(lazy(async () => (await import('./commands/matrix.js')).default));

  program
    .command('explain')
    .description(
      'explain a technique or mitigation (MS-TA9013, ms-m9013, or a name fragment: hostpath), a check (privileged-container) or an audit rule (exec-shell)',
    )
    .argument(
      '<id-or-name>',
      'technique or mitigation ID or part of its name, check id, custom rule id or audit rule id',
    )
    .addOption(outputOption(['table', 'json'], 'table'))
    .option('-c, --config <file>', 'the config file whose custom rules to know (default: .kubematrix.yaml if present)')
    .option('--rules <file>', 'a file of custom rules (repeatable; docs/rules.md)', repeatable)
    .action(lazy(async () => (await import('./commands/explain.js')).default));

  const scan = program
    .command('scan')
    .description(
      'scan Kubernetes manifests (files, directories, - for stdin), a snapshot, or a live cluster (--cluster), and map findings onto the matrix',
    )
    .argument(
      '[paths...]',
      'YAML/JSON files or directories; - reads standard input (helm template … | kubematrix scan -); or one snapshot file',
    )
    .addOption(
      new Option(
        '-o, --output <format>',
        'output format (repeatable): FORMAT prints to standard output, FORMAT=FILE writes FILE, as in --output sarif=results.sarif',
      )
        .argParser(repeatable)
        .default([], 'table'),
    )
    .option(
      '--output-file <file>',
      'write the report to FILE, in the --output format or the one its extension names: .json, .sarif, .html, .md, .txt (table), .layer.json (navigator)',
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when an unsuppressed finding is at or above SEVERITY').choices([
        'critical',
        'high',
        'medium',
        'low',
      ]),
    )
    .option('-c, --config <file>', 'suppressions and check settings (default: .kubematrix.yaml if present)')
    .option(
      '--controls <file>',
      'mitigations your organization declares in place (default: kubematrix-controls.yaml if present; see kubematrix controls init)',
    )
    .option(
      '--audit <log>',
      'an audit log (repeatable): the techniques its events show happening are marked on the matrix',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--policies <path>',
      "the cluster's admission objects, a file or directory (repeatable): every object the input would have rejected, warned about or audited is a finding (admission-rejected; docs/rules.md)",
      repeatable,
    )
    .option(
      '--rules <file>',
      "a file of custom rules in CEL (repeatable; docs/rules.md), besides the config file's",
      repeatable,
    )
    .option(
      '--fail-on-input-errors',
      'exit 2 when any input could not be read (a broken file, a kind the cluster would not list), after writing every output',
    )
    .option(
      '--baseline <report.json>',
      'a JSON report of an earlier scan: findings are marked new or unchanged, fixed ones listed, and --fail-on counts only new ones',
    )
    .option('--check <ids>', 'run only these checks (comma-separated or repeated; * globs: rbac-*)', list)
    .option('--skip-check <ids>', 'do not run these checks (comma-separated or repeated; * globs)', list)
    .option(
      '--skip-path <globs>',
      'do not read files or folders matching these patterns (relative to the working directory; * globs)',
      list,
    )
    .option('--show-suppressed', 'list suppressed findings too, marked with their reason')
    .option('--all', 'list every finding in the table, not only the first few of each group')
    .option(
      '--no-inline-suppressions',
      'ignore kubematrix.io/ignore annotations: only the config file suppresses (for untrusted pull requests)',
    )
    .option('--follow-symlinks', 'follow symbolic links that lead out of the directories scanned')
    .addHelpText(
      'after',
      `\nOutput formats:\n${reportFormats.map((format) => `  ${format.name.padEnd(10)} ${format.description}`).join('\n')}`,
    )
    .action(lazy(async () => (await import('./commands/scan.js')).default));
  clusterOptions(scan);

  const paths = program
    .command('paths')
    .description(
      'attack paths: from entry points (internet-facing workloads, any pod, subjects with bindings) to cluster takeover, and the fixes that cut the most',
    )
    .argument(
      '[paths...]',
      'what scan reads: YAML/JSON files or directories, - for standard input, or one snapshot file',
    )
    .addOption(new Option('-o, --output <format>', 'output format (default: table)').choices(['table', 'json']))
    .option(
      '--output-file <file>',
      'write to FILE instead of standard output, in the --output format or the one its extension names (.json, .txt)',
    )
    .option(
      '--from <where>',
      'only paths from here (repeatable): NAMESPACE, NAMESPACE/NAME, KIND/NAME, KIND/NAMESPACE/NAME, sa:NAMESPACE/NAME, user:NAME, group:NAME or a node id (docs/paths.md)',
      repeatable,
    )
    .option(
      '--to <where>',
      'only paths to here (repeatable): a target (cluster-admin, all-secrets, node-root, control-plane, cloud) or anything --from takes, any node of the graph',
      repeatable,
    )
    .option('--max-depth <steps>', 'drop paths longer than this many steps')
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit 1 when a path reaches a target with every step at or above SEVERITY (any: when any path does)',
      ).choices(['any', 'critical', 'high', 'medium', 'low']),
    )
    .option('-c, --config <file>', 'suppressions and check settings (default: .kubematrix.yaml if present)')
    .option('--all', 'list every path and choke point in the table, not only the first few')
    .action(lazy(async () => (await import('./commands/paths.js')).default));
  clusterOptions(paths);

  const fix = program
    .command('fix')
    .description(
      'write the files that close the gaps scan finds (never applied), grouped by mitigation, and the matrix as it would be after them',
    )
    .argument(
      '[paths...]',
      'what scan reads: YAML/JSON files or directories, - for standard input, or one snapshot file',
    )
    .addOption(
      new Option(
        '-o, --output <dir-or-format>',
        'DIR: write the fix folder there (README.md, kustomization.yaml, a folder per mitigation); table, json or html: print the plan in that format; FORMAT=FILE: write it to FILE (repeatable)',
      )
        .argParser(repeatable)
        .default([], 'table'),
    )
    .option(
      '--only <ids>',
      'only the fixes for these mitigations or checks (comma-separated or repeated; * globs)',
      list,
    )
    .option(
      '--audit <log>',
      'an audit log (repeatable): what each subject used in its window, against what it is granted (RBAC fixes)',
      repeatable,
    )
    .addOption(
      new Option('--mode <mode>', 'warn: policies warn and audit; enforce: they reject (with exemptions for today)')
        .choices(['warn', 'enforce'])
        .default('warn'),
    )
    .option('--what-if', 'print the matrix before and after the files, side by side')
    .option('--write', 'also edit the input files in place (comments and layout kept)')
    .option('--force', 'write into a folder that is not empty, overwriting files of the same names')
    .option('-c, --config <file>', 'suppressions and check settings (default: .kubematrix.yaml if present)')
    .option(
      '--controls <file>',
      'mitigations your organization declares in place (default: kubematrix-controls.yaml if present)',
    )
    .action(lazy(async () => (await import('./commands/fix.js')).default));
  clusterOptions(fix);

  // Subcommands (`audit serve`) sit beside the file arguments: the first argument names one when it matches (a log
  // file of that name is given as ./serve).
  const audit = program
    .command('audit')
    .description('detect matrix techniques in Kubernetes audit logs (files, directories, - for stdin; gzip too)')
    .argument(
      '[logs...]',
      'audit logs: JSON lines or JSON documents of audit.k8s.io Events, EventLists, or AKS, GKE and EKS exports',
    )
    .addOption(outputOption(['table', 'jsonl', 'json'], 'table'))
    .option('--since <time>', 'only events at or after TIME: RFC 3339 (2026-11-30T10:00:00Z) or back from now (2h, 7d)')
    .option('--until <time>', 'only events before TIME, in the same forms')
    .option('--proxy-list <file>', 'known proxy and Tor exit addresses: one IP or CIDR per line, # comments')
    .option('-c, --config <file>', 'the audit allow-list and other settings (default: .kubematrix.yaml if present)')
    .option('--check <ids>', 'run only these detection rules (comma-separated or repeated; * globs)', list)
    .option('--skip-check <ids>', 'do not run these detection rules (comma-separated or repeated; * globs)', list)
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when an alert is at or above SEVERITY').choices([
        'critical',
        'high',
        'medium',
        'low',
      ]),
    )
    .action(lazy(async () => (await import('./commands/audit.js')).default));

  program
    .command('diff')
    .description(
      'what changed between two scan -o json reports: techniques newly exposed or no longer, findings new and fixed, attack paths new and cut',
    )
    .argument('<old.json>', 'the earlier report (kubematrix scan -o json)')
    .argument('<new.json>', 'the later report')
    .addOption(outputOption(['table', 'json', 'markdown'], 'table'))
    .action(lazy(async () => (await import('./commands/diff.js')).default));

  program
    .command('controls')
    .description('the controls file: mitigations no scan can observe, for your organization to declare')
    .command('init')
    .description(
      'write a commented controls file listing every mitigation no scan can observe, each unanswered (status: unknown) until you edit it',
    )
    .option('-o, --output <file>', 'write it to FILE (never overwriting one) instead of standard output')
    .action(lazy(async () => (await import('./commands/controls.js')).init));

  const snapshot = program
    .command('snapshot')
    .description('collect what a live scan assesses into a file (Secrets as metadata only), to scan elsewhere')
    .option('-o, --output <file>', 'the snapshot to write: FILE.json, or FILE.json.gz compressed');
  clusterOptions(snapshot);
  snapshot.action(lazy(async () => (await import('./commands/cluster.js')).default));

  const rbac = program.command('rbac').description('effective RBAC permissions of the manifests, and what they open');
  const whoCan = rbac
    .command('who-can')
    .description('subjects that can VERB RESOURCE (pods, pods/exec, deployments.apps), and through which bindings')
    .argument('<verb>', 'get, list, create, escalate, impersonate, …')
    .argument('<resource>', 'resource, resource/subresource or resource.group (a URL such as /metrics too)')
    .argument('[paths...]', 'YAML/JSON files or directories; - reads standard input')
    .option(
      '-n, --namespace <namespace>',
      'only grants that apply in this namespace; with files, also where objects naming none are placed (default: default)',
    )
    .addOption(outputOption(['table', 'json'], 'table'));
  clusterOptions(whoCan, { namespaces: false });
  whoCan.action(lazy(async () => (await import('./commands/rbac.js')).whoCan));
  const subject = rbac
    .command('subject')
    .description("a subject's effective permissions (its groups' included), grouped by the techniques they open")
    .argument('<kind/name>', 'sa/NAME, sa/NAMESPACE/NAME, user/NAME or group/NAME')
    .argument('[paths...]', 'YAML/JSON files or directories; - reads standard input')
    .option(
      '-n, --namespace <namespace>',
      "the ServiceAccount's namespace (default: every one found); with files, also where objects naming none are placed (default: default)",
    )
    .addOption(outputOption(['table', 'json'], 'table'));
  clusterOptions(subject, { namespaces: false });
  subject.action(lazy(async () => (await import('./commands/rbac.js')).subject));

  audit
    .command('serve')
    .description(
      "receive the API server's audit events as its webhook backend (--audit-webhook-config-file) and stream alerts",
    )
    .option('--listen <host:port>', 'address to serve HTTPS on', '127.0.0.1:8443')
    .requiredOption('--tls-cert <file>', 'PEM certificate chain the backend presents')
    .requiredOption('--tls-key <file>', 'PEM private key of that certificate')
    .option('--token-file <file>', 'bearer token the API server must send (the token in its webhook kubeconfig)')
    .option('--client-ca <file>', 'CA bundle the client certificate must chain to (mutual TLS)')
    .option(
      '-o, --output <format>',
      'alerts as JSON lines: jsonl prints them, jsonl=FILE appends them to FILE',
      'jsonl',
    )
    .option('--max-body <bytes>', 'largest batch accepted; larger ones get 413', String(16 * 1024 * 1024))
    .option('--queue <events>', 'events held for the detections; a batch that does not fit gets 503', '20000')
    .option('--proxy-list <file>', 'known proxy and Tor exit addresses: one IP or CIDR per line, # comments')
    .option('-c, --config <file>', 'audit settings such as the allow-list (default: .kubematrix.yaml if present)')
    .action(lazy(async () => (await import('./commands/audit-serve.js')).default));

  return program;
}

/**
 * The options that pick a live cluster and what of it to read; `--cluster` alone means the current context.
 * `-n` means what it means to kubectl: on a cluster, the namespaces to read (`kubectl get -n`); on files, where objects
 * naming no namespace are placed (`kubectl apply -n`). The rbac commands keep it for their question: a grant in one
 * namespace may come from a ClusterRoleBinding and a subject from another namespace, so it must not narrow what is
 * read.
 */
function clusterOptions(command: commander.Command, { namespaces = true } = {}): void {
  command
    .option('--cluster', "read the kubeconfig's current context (read-only: list and get requests only)")
    .option('--context <name>', 'read this kubeconfig context')
    .option('--kubeconfig <file>', 'the kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, in-cluster)');
  if (namespaces) {
    command.option(
      '-n, --namespace <namespaces>',
      'with a cluster: only these namespaces (comma-separated; cluster-scoped kinds are read too); with files: the namespace of objects naming none, as kubectl apply -n (default: default)',
    );
  }
  command
    .option('-A, --all-namespaces', 'every namespace (the default)')
    .option('--exclude-namespaces <namespaces>', 'leave these namespaces out (comma-separated)')
    .option('-q, --quiet', 'no progress or summary on standard error');
}

/** Runs the CLI with these arguments (without `node` and the script) and returns its exit code. */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const exit = { code: ExitCode.ok as number };
  const program = buildProgram(io, exit);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" only to commander.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof UsageError) {
      // Messages may quote arguments and config fields, hostile or not: escaped, our own line breaks kept.
      io.stderr.write(`kubematrix: ${printableLines(error.message)}\n`);
      return ExitCode.usage;
    }
    io.stderr.write(internalError(error));
    return ExitCode.internal;
  }
}

/**
 * What a defect of ours prints: the error's class and where it was thrown, for a bug report, but not its message,
 * which may quote the input (Node's own JSON.parse errors do) and so a Secret's value.
 */
export function internalError(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  const frames = error instanceof Error ? (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)) : [];
  return `kubematrix: internal error (${printable(name)}): a defect of kubematrix, not of the input; please report it with these lines (its message is left out: it may quote the input)\n${frames.map((line) => `${printable(line.trim())}\n`).join('')}`;
}
