#!/usr/bin/env node
// Audit logs at scale: ../shared/bench/gen.py's 300,000 events (the corpus issue 23 measures on) and 1,000,000 of
// them (its "1M-event log": traffic of the same shape), each printed against the issue's targets; and 1,000,000 events
// of our own generator, deterministic, heavier in what the rules must read (27 % of its events against gen.py's 12 %;
// 7 % raise an alert, gen.py's 1.6 %), a stress log printed without targets. Each is read in fresh
// processes, so that peak RSS is each run's own, alternating: bare JSON.parse of every line (the reader's own line
// splitting, every line decoded and parsed, nothing else); `kubematrix audit -o jsonl` as bin/kubematrix.js starts it
// (reading, decoding, de-duplication, every detection; large files on worker threads, so that its CPU time counts
// every thread's); the library's auditLog on one thread; and `kubematrix audit -o json` (its report written nowhere:
// the document's memory). The fastest of BENCH_AUDIT_RUNS (3) rounds is quoted, wall and CPU time both: other work on
// the machine slows both alike, so the ratios are what to compare. Prints figures, asserts nothing. Needs the build;
// scripts/bench.mjs calls benchAudit().
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seeded } from '../test/support/random.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (file) => JSON.stringify(path.join(root, 'dist', file));

const CONTROLLERS = [
  'system:serviceaccount:kube-system:replicaset-controller',
  'system:serviceaccount:kube-system:deployment-controller',
  'system:serviceaccount:kube-system:endpointslice-controller',
  'system:kube-controller-manager',
  'system:kube-scheduler',
  'system:serviceaccount:ingress-nginx:ingress-nginx',
  'system:serviceaccount:monitoring:prometheus',
];
const WATCHED = [
  ['pods', ''],
  ['endpoints', ''],
  ['configmaps', ''],
  ['services', ''],
  ['deployments', 'apps'],
  ['replicasets', 'apps'],
  ['endpointslices', 'discovery.k8s.io'],
  ['leases', 'coordination.k8s.io'],
];
const NAMESPACES = ['default', 'shop', 'payments', 'kube-system', 'monitoring', 'ingress-nginx'];
const HUMANS = ['alice@example.com', 'bob@example.com', 'ci-deployer', 'carol@example.com'];
const COMMANDS = [
  ['sh'],
  ['/bin/bash'],
  ['ls', '-la', '/'],
  ['cat', '/etc/hosts'],
  ['curl', '-s', 'http://169.254.169.254/latest/meta-data/'],
  ['tar', 'cf', '-', '/data'],
];

function generator(seed) {
  const next = seeded(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const start = Date.parse('2026-11-30T00:00:00Z');
  let n = 0;
  const base = (verb, user, groups, objectRef, uri, stage, level, code) => {
    n++;
    const time = new Date(start + n * 7).toISOString().replace('Z', '000Z');
    return {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level,
      auditID: `${((n * 2654435761) >>> 0).toString(16).padStart(8, '0')}-7c1e-4d2a-9f3b-${String(n).padStart(12, '0')}`,
      stage,
      requestURI: uri,
      verb,
      user: { username: user, groups },
      sourceIPs: [`10.${Math.floor(next() * 4)}.${Math.floor(next() * 255)}.${Math.floor(next() * 255)}`],
      userAgent: user.startsWith('system:') ? 'kube-controller-manager/v1.31.2' : 'kubectl/v1.31.2 (linux/amd64)',
      objectRef,
      responseStatus: { metadata: {}, code },
      requestReceivedTimestamp: time,
      stageTimestamp: time,
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
    };
  };
  const path = ([resource, group], namespace, name) =>
    `${group ? `/apis/${group}/v1` : '/api/v1'}${namespace ? `/namespaces/${namespace}` : ''}/${resource}${name ? `/${name}` : ''}`;
  return () => {
    const roll = next();
    if (roll < 0.6) {
      // Controllers: gets, lists and watches, at Metadata.
      const kind = pick(WATCHED);
      const verb = pick(['get', 'list', 'watch', 'watch']);
      const namespace = pick(NAMESPACES);
      const name = verb === 'get' ? `obj-${Math.floor(next() * 5000)}` : undefined;
      const ref = {
        resource: kind[0],
        namespace,
        ...(name ? { name } : {}),
        ...(kind[1] ? { apiGroup: kind[1] } : {}),
        apiVersion: 'v1',
      };
      const uri = `${path(kind, namespace, name)}${verb === 'watch' ? '?allowWatchBookmarks=true&resourceVersion=81234&timeoutSeconds=411&watch=true' : ''}`;
      return base(
        verb,
        pick(CONTROLLERS),
        ['system:serviceaccounts', 'system:authenticated'],
        ref,
        uri,
        verb === 'watch' ? 'ResponseStarted' : 'ResponseComplete',
        'Metadata',
        200,
      );
    }
    if (roll < 0.85) {
      // Nodes: status updates and lease renewals.
      const node = `ip-10-0-${Math.floor(next() * 40)}-${Math.floor(next() * 250)}.ec2.internal`;
      const lease = next() < 0.5;
      const ref = lease
        ? {
            resource: 'leases',
            namespace: 'kube-node-lease',
            name: node,
            apiGroup: 'coordination.k8s.io',
            apiVersion: 'v1',
          }
        : { resource: 'nodes', subresource: 'status', name: node, apiVersion: 'v1' };
      const uri = lease
        ? `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}?timeout=10s`
        : `/api/v1/nodes/${node}/status?timeout=10s`;
      return base(
        lease ? 'update' : 'patch',
        `system:node:${node}`,
        ['system:nodes', 'system:authenticated'],
        ref,
        uri,
        'ResponseComplete',
        'Metadata',
        200,
      );
    }
    if (roll < 0.9) {
      // Humans and CI: creates and patches of workloads, at RequestResponse, with the object.
      const namespace = pick(NAMESPACES.slice(0, 3));
      const name = `web-${Math.floor(next() * 300)}`;
      const ref = { resource: 'deployments', namespace, name, apiGroup: 'apps', apiVersion: 'v1' };
      const event = base(
        pick(['create', 'patch']),
        pick(HUMANS),
        ['developers', 'system:authenticated'],
        ref,
        `/apis/apps/v1/namespaces/${namespace}/deployments/${name}?fieldManager=kubectl-client-side-apply`,
        'ResponseComplete',
        'RequestResponse',
        201,
      );
      event.requestObject = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace, labels: { app: name } },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: {
              containers: [
                {
                  name: 'app',
                  image: `registry.example.com/shop/${name}:1.${Math.floor(next() * 90)}`,
                  ports: [{ containerPort: 8080 }],
                  resources: { limits: { cpu: '500m', memory: '256Mi' } },
                  securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, privileged: next() < 0.02 },
                },
              ],
              ...(next() < 0.02 ? { volumes: [{ name: 'host', hostPath: { path: '/var/run' } }] } : {}),
            },
          },
        },
      };
      return event;
    }
    if (roll < 0.95) {
      // Secrets: controllers and humans reading them.
      const namespace = pick(NAMESPACES);
      const list = next() < 0.3;
      const ref = {
        resource: 'secrets',
        namespace,
        ...(list ? {} : { name: `db-${Math.floor(next() * 50)}` }),
        apiVersion: 'v1',
      };
      return base(
        list ? 'list' : 'get',
        next() < 0.7 ? pick(CONTROLLERS) : pick(HUMANS),
        ['system:authenticated'],
        ref,
        path(['secrets', ''], namespace, ref.name),
        'ResponseComplete',
        'Metadata',
        200,
      );
    }
    if (roll < 0.97) {
      // Exec, as kubectl sends it: the command URL-encoded in the query, logged when the stream opens.
      const namespace = pick(NAMESPACES.slice(0, 3));
      const pod = `web-${Math.floor(next() * 300)}-7d9f8b6c5-x2k4p`;
      const command = pick(COMMANDS)
        .map((part) => `command=${encodeURIComponent(part)}`)
        .join('&');
      const ref = { resource: 'pods', subresource: 'exec', namespace, name: pod, apiVersion: 'v1' };
      return base(
        'create',
        pick(HUMANS),
        ['developers', 'system:authenticated'],
        ref,
        `/api/v1/namespaces/${namespace}/pods/${pod}/exec?${command}&container=app&stdin=true&stdout=true&tty=true`,
        'ResponseStarted',
        'Metadata',
        101,
      );
    }
    // Events and configmaps written by workloads.
    const namespace = pick(NAMESPACES);
    const ref = {
      resource: pick(['events', 'configmaps']),
      namespace,
      name: `e-${Math.floor(next() * 1e6)}`,
      apiVersion: 'v1',
    };
    return base(
      pick(['create', 'patch', 'delete']),
      pick(CONTROLLERS),
      ['system:serviceaccounts', 'system:authenticated'],
      ref,
      path([ref.resource, ''], namespace, ref.name),
      'ResponseComplete',
      'Request',
      200,
    );
  };
}

export async function generate(file, count) {
  const out = createWriteStream(file);
  const next = generator(11);
  const BATCH = 2000;
  for (let written = 0; written < count; written += BATCH) {
    const lines = [];
    for (let i = 0; i < Math.min(BATCH, count - written); i++) lines.push(JSON.stringify(next()));
    if (!out.write(`${lines.join('\n')}\n`)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
}

/** Runs one measurement in a fresh process: its time, CPU time, what it counted and its peak RSS. */
function measure(mode, file) {
  const script = `
    const { createReadStream } = await import('node:fs');
    const file = ${JSON.stringify(file)};
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    let count = 0, alerts = 0;
    if (${JSON.stringify(mode)} === 'parse') {
      // The reader's own line splitting, decode step replaced by nothing: JSON.parse of every line and no more.
      const { RecordReader } = await import(${dist('inputs/audit/read.js')});
      const reader = new RecordReader(64 * 1024 * 1024, () => { count++; return undefined; }, () => {});
      for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) reader.push(chunk);
      reader.end();
    } else if (${JSON.stringify(mode)} === 'one thread') {
      // The library on one thread (no CLI option chooses threads), with zod's parsers jitless as the CLI sets them.
      await import(${dist('cli/jitless.js')});
      const { auditLog } = await import(${dist('engine/audit.js')});
      const result = await auditLog([file], { threads: { count: 1 }, onAlert: () => { alerts++; } });
      count = result.source.events;
    } else {
      // \`kubematrix audit\` as bin/kubematrix.js starts it: the bundle and its code cache (src/cli/load.cts), its
      // own worker, alerts as JSON lines ('pipeline', counted) or the report (\`-o json\`: the document's memory),
      // written nowhere. Loading the bundle counts; importing dist/'s modules one by one, as the library does, costs
      // some 0.15 s more, which a long-lived process pays once.
      const { Writable } = await import('node:stream');
      const { loadCli } = await import(${dist('cli/load.cjs')});
      const { cli } = loadCli();
      let errors = '';
      // Counted with indexOf: a byte-by-byte loop here cost the run some 25 ms on gen.py's log.
      const stdout = new Writable({
        write(chunk, _encoding, done) {
          for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) alerts++;
          done();
        },
      });
      const stderr = new Writable({ write(chunk, _encoding, done) { errors += chunk; done(); } });
      const json = ${JSON.stringify(mode)} === 'json report';
      const io = { stdout, stderr, stdin: async () => Buffer.alloc(0), env: process.env, cwd: process.cwd() };
      const exit = await cli.run(['audit', file, '-o', json ? 'json' : 'jsonl'], io);
      if (exit !== 0 || errors) throw new Error(\`kubematrix audit exited \${exit}: \${errors}\`);
      if (json) alerts = undefined;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const used = process.cpuUsage(cpu);
    console.log(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1e3, count, alerts, maxRssMb: process.resourceUsage().maxRSS / 1024 }));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(output.trim().split('\n').at(-1));
}

const MODES = ['parse', 'pipeline', 'one thread', 'json report'];

/** Per mode, the fastest wall time and the least CPU time of the rounds (alternated), and the highest peak RSS. */
function alternated(file, rounds) {
  const best = {};
  for (let round = 0; round < rounds; round++) {
    for (const mode of MODES) {
      const run = measure(mode, file);
      const seen = best[mode];
      best[mode] = seen
        ? {
            ...run,
            ms: Math.min(seen.ms, run.ms),
            cpuMs: Math.min(seen.cpuMs, run.cpuMs),
            maxRssMb: Math.max(seen.maxRssMb, run.maxRssMb),
          }
        : run;
    }
  }
  return best;
}

const GEN_PY = path.join(root, '..', 'shared', 'bench', 'gen.py');

export async function benchAudit(rounds = Number(process.env.BENCH_AUDIT_RUNS) || 3) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-bench-audit-'));
  try {
    const corpora = [];
    if (existsSync(GEN_PY)) {
      for (const [name, count] of [
        ['gen.py audit', '300000'],
        ['gen.py audit 1M', '1000000'],
      ]) {
        const file = path.join(dir, `gen-py-${count}.log`);
        execFileSync('python3', [GEN_PY, 'audit', file, count]);
        corpora.push({ name, file, targets: true });
      }
    }
    // Beyond the issue's corpora (its targets are on gen.py's traffic): how far below bare parsing a log falls when a
    // quarter of it goes to the rules, whose work stays on the reading thread.
    const file = path.join(dir, 'audit-1m.log');
    await generate(file, 1_000_000);
    corpora.push({ name: 'generated 1M (attack-heavy)', file, targets: false });
    // The machine's load before and after each corpus's rounds: wall times are only comparable at like loads.
    return corpora.map(({ name, file, targets }) => {
      const before = loadavg()[0];
      const best = alternated(file, rounds);
      return { name, targets, mb: statSync(file).size / 1e6, load: [before, loadavg()[0]], ...best };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Events per second of wall time and of CPU time (what one core does, on a loaded machine), and their ratios. */
export function formatAudit({ name, targets, mb, load, parse, pipeline, 'one thread': single, 'json report': report }) {
  // Every mode reads the same lines; the CLI's JSON lines say how many alerts, not how many events.
  const rate = (ms) => Math.round((parse.count / ms) * 1000).toLocaleString('en-US');
  const mismatch =
    single.count !== parse.count || single.alerts !== pipeline.alerts
      ? ` MISMATCH: one thread read ${single.count} events and raised ${single.alerts} alerts;`
      : '';
  const ratio = (run) => `${(parse.ms / run.ms).toFixed(2)} (CPU ${(parse.cpuMs / run.cpuMs).toFixed(2)})`;
  // Issue 23's targets, on its corpora only.
  const target = (text) => (targets ? `target ${text}; ` : '');
  return (
    `audit     ${name}: ${parse.count.toLocaleString('en-US')} events (${mb.toFixed(0)} MB), ${pipeline.alerts} alerts: ` +
    `JSON.parse ${rate(parse.ms)} events/s (${rate(parse.cpuMs)} per CPU second); ` +
    `pipeline ${rate(pipeline.ms)} events/s (${target('≥ 150,000')}${rate(pipeline.cpuMs)} per CPU second), ` +
    `ratio ${ratio(pipeline)}${targets ? ' (target ≥ 1.0)' : ' (no target: a stress log of ours)'};${mismatch} ` +
    `peak RSS ${pipeline.maxRssMb.toFixed(0)} MB (${target('≤ 250')}bare parse ${parse.maxRssMb.toFixed(0)} MB); ` +
    `on one thread ${rate(single.ms)} events/s, ratio ${ratio(single)}, ${single.maxRssMb.toFixed(0)} MB; ` +
    `\`audit -o json\` ${(report.ms / 1000).toFixed(1)} s, peak RSS ${report.maxRssMb.toFixed(0)} MB; ` +
    `load average ${load.map((value) => value.toFixed(1)).join(' → ')}`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rounds = Number(process.argv[2]) || undefined;
  for (const figures of await benchAudit(rounds)) console.log(formatAudit(figures));
}
