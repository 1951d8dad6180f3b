import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeShared, repoRoot, sharedDir } from '../../../test/paths.js';
import { seeded } from '../../../test/support/random.mjs';
import { allDetections } from '../../detections/index.js';
import { createPipeline } from '../../detections/pipeline.js';
import { auditEvent } from '../../detections/tester.js';
import { auditLog } from '../../engine/audit.js';
import type { Alert } from '../../model/alert.js';
import { decodeRecord } from './decode.js';
import { stageBit } from './dedup.js';
import type { AuditEvent, AuditEventHead, AuditEventTimes } from './event.js';
import { readAuditLog } from './read.js';
import { hashOf } from './recent-ids.js';
import { EventSkimmer } from './skim.js';

/** A rule set's `wants` that turns on every field of the head the table keys on. */
const wants = (head: AuditEventHead) =>
  head.verb === 'create' ||
  head.user.username === 'system:admin' ||
  (head.user.groups ?? []).includes('intruders') ||
  (head.objectRef?.resource === 'secrets' && head.objectRef.subresource === undefined) ||
  (head.responseStatus?.code ?? 0) >= 400;
const skimmer = new EventSkimmer(wants);
const SEED = 0x5eed;

/** What the reader takes from an event, absent fields as undefined, for comparing. */
function fields(head: AuditEventHead, auditID: string | undefined, stage: string | undefined, times: AuditEventTimes) {
  return {
    verb: head.verb,
    username: head.user.username,
    groups: head.user.groups,
    resource: head.objectRef?.resource,
    subresource: head.objectRef?.subresource,
    code: head.responseStatus?.code,
    judgement: wants(head) ? 'wanted' : 'unwanted',
    auditID,
    auditHash: auditID === undefined ? 0 : hashOf(auditID, SEED),
    stageBit: stageBit(stage),
    staged: stage !== undefined,
    requestReceivedTimestamp: times.requestReceivedTimestamp,
    stageTimestamp: times.stageTimestamp,
  };
}

/** What the skimmer says of a line, and what parsing it says: the head of its one event, or undefined. */
function both(line: string | Buffer) {
  const bytes = typeof line === 'string' ? Buffer.from(line) : line;
  const judgement = skimmer.judge(bytes, 0, bytes.length, SEED);
  const skimmed =
    judgement === 'parse'
      ? undefined
      : {
          ...fields(skimmer.head(), skimmer.auditID, undefined, skimmer.times),
          judgement,
          auditHash: skimmer.auditHash,
          stageBit: skimmer.stageBit,
          staged: skimmer.staged,
        };
  let parsed: ReturnType<typeof fields> | undefined;
  try {
    const decoded = decodeRecord(JSON.parse(bytes.toString('utf8')));
    if (typeof decoded !== 'string' && decoded.length === 1) {
      const event = decoded[0] as AuditEvent;
      parsed = fields(event, event.auditID, event.stage, event);
    }
  } catch {
    parsed = undefined;
  }
  return { skimmed, parsed };
}

/** The skimmer may leave any line to parsing; what it reads itself must be what parsing reads. */
function expectAgreement(line: string | Buffer, what = String(line)) {
  const { skimmed, parsed } = both(line);
  if (skimmed !== undefined) expect(skimmed, what).toEqual(parsed);
}

const line = (overrides: Record<string, unknown> = {}) => JSON.stringify(auditEvent(overrides as never));

it('is compiled from skim.as.ts as it stands', () => {
  // Throws with the script's message when skim.wasm.ts is stale.
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build-wasm.mjs'), '--check'], { stdio: 'pipe' });
}, 60_000);

describe('the head of an event read from its bytes', () => {
  it('reads ordinary events, in any key order and spacing, as parsing does', () => {
    const event = auditEvent({
      verb: 'watch',
      stage: 'ResponseStarted',
      user: { username: 'system:kube-scheduler', groups: ['system:authenticated'] },
      objectRef: { resource: 'pods', subresource: 'status', namespace: 'kube-system', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 200 } as never,
    });
    const { verb, user, ...rest } = event;
    const lines = [
      JSON.stringify(event),
      JSON.stringify({ ...rest, user, verb }),
      JSON.stringify(event, null, 1).replace(/\n/g, ' '),
      `${JSON.stringify(event)} \r`,
      JSON.stringify({ verb: 'get', user: {}, requestURI: '/healthz' }),
      JSON.stringify({
        ...event,
        auditID: undefined,
        stage: undefined,
        responseStatus: undefined,
        user: { groups: [] },
      }),
    ];
    for (const text of lines) {
      const { skimmed, parsed } = both(text);
      expect(skimmed, text).toBeDefined();
      expect(skimmed, text).toEqual(parsed);
    }
    expect(both(lines[0] as string).skimmed).toMatchObject({
      verb: 'watch',
      stageBit: 2,
      username: 'system:kube-scheduler',
      groups: ['system:authenticated'],
      resource: 'pods',
      subresource: 'status',
      code: 200,
    });
  });

  it('leaves to parsing what it cannot read as plainly as parsing would', () => {
    const base = line();
    const decoys: [string, string][] = [
      ['an escaped key that spells verb, after the verb', base.replace('"level"', '"v\\u0065rb":"delete","level"')],
      ['the verb given twice', base.replace('"level"', '"verb":"delete","level"')],
      ['the user given twice', base.replace('"level"', '"user":{"username":"system:admin"},"level"')],
      ['a user name with an escape', line({ user: { username: '\u0000alice' } })],
      ['a user name in an escape', base.replace('alice@example.com', '\\u0061lice@example.com')],
      ['a user name outside ASCII', line({ user: { username: 'ålice' } })],
      ['a group that is a number', line({ user: { username: 'a', groups: ['g', 7] } })],
      ['seventeen groups', line({ user: { username: 'a', groups: Array.from({ length: 17 }, (_, i) => `g${i}`) } })],
      ['a code in text', line({ responseStatus: { code: '403' } })],
      ['a code with an exponent', base.replace('"code":201', '"code":2.01e2')],
      ['a negative code', base.replace('"code":201', '"code":-403')],
      ['a code of ten digits', base.replace('"code":201', '"code":1000000403')],
      ['a user that is text', line({ user: 'alice' })],
      ['a user that is null', line({ user: null })],
      ['an objectRef that is a list', line({ objectRef: [] })],
      ['neither objectRef nor requestURI', line({ objectRef: undefined, requestURI: undefined })],
      ['an empty verb', line({ verb: '' })],
      ['an auditID that is a number', line({ auditID: 7 })],
      ['a stage that is null', line({ stage: null })],
      ['sourceIPs that is text', line({ sourceIPs: '10.0.0.1' })],
      ['a time that is a number', line({ requestReceivedTimestamp: 1764496800 })],
      ['a resource that is a number', line({ objectRef: { resource: 5 } })],
      ['a leading space', ` ${base}`],
      ['a list of one event', `[${base}]`],
      ['an EventList', JSON.stringify({ kind: 'EventList', items: [auditEvent()] })],
      ['an AKS record', JSON.stringify({ properties: { log: base } })],
    ];
    for (const [what, text] of decoys) {
      expect(JSON.parse(text), what).toBeDefined();
      expect(both(text).skimmed, what).toBeUndefined();
    }
  });

  it('never reads a line that JSON.parse refuses', () => {
    const base = line();
    const broken: [string, string][] = [
      ['a trailing comma', base.replace(/}$/, ',}')],
      ['a leading zero', base.replace('"code":201', '"code":0201')],
      ['a bare minus', base.replace('"code":201', '"code":-')],
      ['a point without digits', base.replace('"code":201', '"code":201.')],
      ['an exponent without digits', base.replace('"code":201', '"code":2e')],
      ['a truncated literal', base.replace('"level"', '"x":tru,"level"')],
      ['a misspelt literal', base.replace('"level"', '"x":nul,"level"')],
      ['false cut short', base.replace('"level"', '"x":fals,"level"')],
      ['a tab inside a string', base.replace('alice@', 'alice\t@')],
      ['a NUL inside a string', base.replace('alice@', 'alice\u0000@')],
      ['an unknown escape', base.replace('alice@', 'alice\\x@')],
      ['a short unicode escape', base.replace('alice@', 'alice\\u12G4@')],
      ['a missing colon', base.replace('"verb":', '"verb" ')],
      ['a missing comma', base.replace(',"verb"', ' "verb"')],
      ['an unterminated string', base.slice(0, base.indexOf('alice') + 3)],
      ['a missing brace', base.slice(0, -1)],
      ['an extra brace', `${base}}`],
      ['two objects', `${base}${base}`],
      ['single quotes', base.replace('"verb":"create"', "'verb':'create'")],
      ['a key without quotes', base.replace('"verb":', 'verb:')],
      ['NaN', base.replace('"code":201', '"code":NaN')],
      ['a comment', base.replace(/}$/, '/* c */}')],
      ['a byte above ASCII outside a string', base.replace(/}$/, '\u00a0}')],
      ['a list with a trailing comma', line({ sourceIPs: ['10.0.0.1'] }).replace('"10.0.0.1"]', '"10.0.0.1",]')],
      ['a list without its end', line({ sourceIPs: ['10.0.0.1'] }).replace('"10.0.0.1"]', '"10.0.0.1"')],
      ['an empty line', ''],
    ];
    for (const [what, text] of broken) {
      expect(() => JSON.parse(text), what).toThrow();
      expect(both(text).skimmed, what).toBeUndefined();
    }
  });

  it('reads a line as the bytes it is: invalid UTF-8, escapes and nesting in fields it does not take', () => {
    const text = line({
      userAgent: 'k\u00fcbectl \\"quoted\\" \u{1F600}',
      requestObject: { a: [[[[{ b: '\\u0041' }]]]] },
    });
    expect(both(text).skimmed).toBeDefined();
    expectAgreement(text);
    // A lone continuation byte and a cut sequence inside a string: the decoder's replacement characters, still JSON.
    const bytes = Buffer.from(line({ userAgent: 'XXXX' }));
    const at = bytes.indexOf('XXXX');
    bytes[at] = 0x80;
    bytes[at + 1] = 0xe2;
    bytes[at + 2] = 0x82;
    expectAgreement(bytes, 'invalid UTF-8 in a string');
    expect(both(bytes).skimmed).toBeDefined();
    // Deeper than the scanner goes: left to JSON.parse.
    const deep = line({ requestObject: JSON.parse(`${'['.repeat(1000)}${']'.repeat(1000)}`) });
    expect(both(deep).skimmed).toBeUndefined();
    expect(both(deep).parsed).toBeDefined();
  });

  it('gives the stage’s bit and the auditID’s hash that de-duplication computes', () => {
    const stages = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic', 'Pending', 'RequestReceives'];
    const lines = [
      ...stages.map((stage) => line({ stage })),
      ...['ResponseStartex', 'ResponseCompletely', 'Panik', ''].map((stage) => line({ stage })),
      line({ stage: undefined }),
      line({ auditID: '' }),
      line({ auditID: undefined }),
    ];
    const bits = new Set<number>();
    for (const text of lines) {
      const { skimmed, parsed } = both(text);
      expect(skimmed, text).toBeDefined();
      expect(skimmed, text).toEqual(parsed);
      bits.add(skimmed?.stageBit as number);
    }
    expect([...bits].sort((a, b) => a - b)).toEqual([1, 2, 4, 8, 16]);
  });

  it('judges as `wants` does, whether it remembers the answer, has forgotten it or cannot keep it', () => {
    const random = seeded(5);
    const lines: string[] = [];
    // More distinct keys than the table holds, each seen again later; and keys too long to remember.
    for (let n = 0; n < 6_000; n++) {
      const username = random() < 0.1 ? 'system:admin' : `user-${Math.floor(random() * 5_000)}`;
      lines.push(
        line({
          verb: random() < 0.2 ? 'create' : 'get',
          user: { username, groups: random() < 0.05 ? ['intruders'] : ['developers'] },
          responseStatus: { code: random() < 0.1 ? 403 : 200 },
        }),
      );
    }
    for (const username of ['system:admin', 'x'.repeat(2_000)]) lines.push(line({ verb: 'get', user: { username } }));
    const judged = { wanted: 0, unwanted: 0 };
    for (const text of [...lines, ...lines]) {
      const { skimmed, parsed } = both(text);
      expect(skimmed, text.slice(0, 200)).toEqual(parsed);
      judged[skimmed?.judgement as 'wanted' | 'unwanted']++;
    }
    expect(judged.wanted).toBeGreaterThan(1_000);
    expect(judged.unwanted).toBeGreaterThan(1_000);
  });

  it('agrees with parsing on lines changed at random, byte by byte', () => {
    const random = seeded(23);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
    const bases = [
      line(),
      line({ stage: undefined, auditID: undefined, objectRef: undefined }),
      line({ user: { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] } }),
      line({ objectRef: { resource: 'pods', subresource: 'exec' }, responseStatus: { code: 101 } }),
      line({ requestObject: { spec: { containers: [{ securityContext: { privileged: true } }] } } }),
    ].map((text) => Buffer.from(text));
    // What JSON's grammar turns on, and what the scanner treats apart: quotes, escapes, digits, control and high bytes.
    const alphabet = Buffer.from('{}[]":,\\/ \t\r0123456789-+.eEtrufalsnbxuv');
    const special = [0x00, 0x1f, 0x7f, 0x80, 0xc3, 0xa9, 0xff];
    let read = 0;
    for (let round = 0; round < 20_000; round++) {
      const bytes = Buffer.from(pick(bases));
      const changes = 1 + Math.floor(random() * 3);
      let mutated = bytes;
      for (let change = 0; change < changes; change++) {
        const at = Math.floor(random() * mutated.length);
        const byte = random() < 0.85 ? (alphabet[Math.floor(random() * alphabet.length)] as number) : pick(special);
        const kind = random();
        if (kind < 0.4) mutated[at] = byte;
        else if (kind < 0.7) mutated = Buffer.concat([mutated.subarray(0, at), Buffer.of(byte), mutated.subarray(at)]);
        else mutated = Buffer.concat([mutated.subarray(0, at), mutated.subarray(at + 1)]);
      }
      const { skimmed, parsed } = both(mutated);
      if (skimmed === undefined) continue;
      read++;
      expect(skimmed, mutated.toString('latin1')).toEqual(parsed);
    }
    // Most changes land in text that JSON.parse still accepts: those are read here, not all left to parsing.
    expect(read).toBeGreaterThan(5_000);
  });
});

describeShared('the head of every event of the shared audit logs', () => {
  it('is what parsing reads', () => {
    const corpus = path.join(sharedDir, 'corpora/auditlogs');
    const files = readdirSync(corpus, { recursive: true, encoding: 'utf8' })
      .map((file) => path.join(corpus, file))
      .filter((file) => statSync(file).isFile() && !file.endsWith('.gz'));
    let read = 0;
    for (const file of files) {
      for (const text of readFileSync(file, 'utf8').split('\n')) {
        expectAgreement(text, `${file}: ${text.slice(0, 80)}`);
        if (both(text).skimmed) read++;
      }
    }
    expect(read).toBeGreaterThan(0);
  });
});

describe('a log read from its bytes where no rule wants an event', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-skim-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Every detection, every line parsed: the pipeline's own push, no `unwanted` for the reader to skim with. */
  async function parsedInFull(file: string, window: { since: Date; until: Date }) {
    const pipeline = createPipeline({ detections: allDetections, ...window });
    const alerts: Alert[] = [];
    const { stats, errors } = await readAuditLog([file], (sourced) => {
      alerts.push(...pipeline.push(sourced));
    });
    return { alerts, stats, errors, outsideWindow: pipeline.stats.outsideWindow };
  }

  it('raises the alerts, in order, and counts what reading every line in full does', async () => {
    const random = seeded(7);
    const lines: string[] = [];
    const time = (minute: number) => `2026-11-30T10:${String(minute).padStart(2, '0')}:00.000000Z`;
    for (let n = 0; n < 3_000; n++) {
      const roll = random();
      const minute = Math.floor(random() * 60);
      const event =
        roll < 0.7
          ? auditEvent({
              verb: random() < 0.5 ? 'get' : 'watch',
              user: { username: 'system:kube-scheduler', groups: ['system:authenticated'] },
              objectRef: { resource: 'pods', namespace: 'shop', apiVersion: 'v1' },
              responseStatus: { code: 200 },
              requestReceivedTimestamp: time(minute),
            })
          : roll < 0.8
            ? auditEvent({
                verb: 'create',
                requestURI: '/api/v1/namespaces/shop/pods/web/exec?command=sh&stdin=true&tty=true',
                objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web', apiVersion: 'v1' },
                responseStatus: { code: 101 },
                requestReceivedTimestamp: time(minute),
              })
            : roll < 0.9
              ? auditEvent({
                  verb: 'list',
                  user: { username: `user-${n % 3}@example.com` },
                  objectRef: { resource: 'secrets', apiVersion: 'v1' },
                  responseStatus: { code: random() < 0.5 ? 403 : 200 },
                  requestReceivedTimestamp: time(minute),
                })
              : auditEvent({ auditID: undefined, stage: undefined, requestReceivedTimestamp: time(minute) });
      const text = JSON.stringify(event);
      lines.push(text);
      // Copies, escapes that hide a field, a line that is no JSON: each read as parsing reads it.
      if (random() < 0.05) lines.push(text);
      if (random() < 0.02) lines.push(text.replace('"verb":"', '"v\\u0065rb":"'));
      if (random() < 0.01) lines.push(text.slice(0, -2));
    }
    const file = path.join(dir, 'mixed.log');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const window = { since: new Date('2026-11-30T10:10:00Z'), until: new Date('2026-11-30T10:50:00Z') };

    const full = await parsedInFull(file, window);
    const alerts: Alert[] = [];
    const skimmed = await auditLog([file], { ...window, threads: { count: 1 }, onAlert: (a) => void alerts.push(a) });
    expect(full.alerts.length).toBeGreaterThan(10);
    expect(alerts).toEqual(full.alerts);
    expect(skimmed.errors).toEqual(full.errors);
    expect(skimmed.source).toMatchObject({
      lines: full.stats.lines,
      events: full.stats.events,
      duplicates: full.stats.duplicates,
      malformed: full.stats.malformed,
      lenient: full.stats.lenient,
      outsideWindow: full.outsideWindow,
    });
    expect(full.stats.duplicates).toBeGreaterThan(0);
    expect(full.stats.malformed).toBeGreaterThan(0);
    expect(full.outsideWindow).toBeGreaterThan(0);
  });
});
