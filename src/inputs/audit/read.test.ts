import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { auditEvent } from '../../detections/tester.js';
import type { AuditEvent, SourcedEvent } from './event.js';
import { type AuditReadOptions, readAuditLog } from './read.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-audit-read-'));
afterAll(() => {
  chmodSync(path.join(dir, 'locked.log'), 0o600);
});

function file(name: string, content: string | Buffer): string {
  const target = path.join(dir, name);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content);
  return name;
}

async function read(inputs: string[], options: AuditReadOptions = {}) {
  const events: SourcedEvent[] = [];
  const result = await readAuditLog(inputs, (sourced) => void events.push(sourced), { cwd: dir, ...options });
  return { events, ...result, where: events.map(({ source }) => `${source.file}:${source.line}`) };
}

const event = (id: string, overrides: Partial<AuditEvent> = {}) =>
  auditEvent({ auditID: `id-${id}`, ...overrides }) as AuditEvent;
const line = (value: unknown) => `${JSON.stringify(value)}\n`;

describe('readAuditLog', () => {
  it('reads JSON lines, each event at its physical line, blank lines and CRLF endings included', async () => {
    const name = file('lines.log', `${line(event('a'))}\r\n\n${JSON.stringify(event('b'))}\r\n${line(event('c'))}`);
    const { events, where, stats, errors } = await read([name]);
    expect(events.map(({ event }) => event.auditID)).toEqual(['id-a', 'id-b', 'id-c']);
    expect(where).toEqual(['lines.log:1', 'lines.log:4', 'lines.log:5']);
    expect(stats).toMatchObject({ files: 1, lines: 5, events: 3, duplicates: 0, malformed: 0 });
    expect(errors).toEqual([]);
  });

  it('reads a last line without a line break', async () => {
    const { where } = await read([file('no-eol.log', `${line(event('a'))}${JSON.stringify(event('b'))}`)]);
    expect(where).toEqual(['no-eol.log:1', 'no-eol.log:2']);
  });

  it('gunzips by magic bytes, whatever the name, and reads the same lines', async () => {
    const text = `${line(event('a'))}\n${line(event('b'))}`;
    const { where, errors } = await read([file('rotated.log.1', gzipSync(text))]);
    expect(errors).toEqual([]);
    expect(where).toEqual(['rotated.log.1:1', 'rotated.log.1:3']);
  });

  it('reads what a truncated gzip file holds before its end, and says it was cut', async () => {
    const zipped = gzipSync(Array.from({ length: 2000 }, (_, i) => line(event(`t${i}`))).join(''));
    const { stats, errors } = await read([file('cut.log.gz', zipped.subarray(0, zipped.length - 200))]);
    expect(stats.events).toBeGreaterThan(100);
    expect(errors).toEqual([
      expect.objectContaining({ source: 'cut.log.gz', message: expect.stringMatching(/gzip stream ends early/) }),
    ]);
  });

  it('reads standard input as it arrives, in chunks that split lines and characters', async () => {
    const text = Buffer.from(`${line(event('é', { user: { username: 'zoë' } }))}${line(event('b'))}`);
    async function* chunks() {
      for (let at = 0; at < text.length; at += 7) yield text.subarray(at, at + 7);
    }
    const { events, where } = await read(['-'], { stdin: chunks });
    expect(where).toEqual(['-:1', '-:2']);
    expect(events[0]?.event.user.username).toBe('zoë');
  });

  it('reads gzip from standard input', async () => {
    const { where } = await read(['-'], {
      stdin: async function* () {
        yield gzipSync(line(event('z')));
      },
    });
    expect(where).toEqual(['-:1']);
  });

  it('reads a pretty-printed Event at the line it opens on', async () => {
    const name = file('one.json', `\n${JSON.stringify(event('p'), null, 2)}\n`);
    const { where, errors } = await read([name]);
    expect(errors).toEqual([]);
    expect(where).toEqual(['one.json:2']);
  });

  it('gives each item of a pretty-printed EventList the line its own object opens on', async () => {
    const list = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: [event('1'), event('2')] };
    const text = JSON.stringify(list, null, 2);
    const lines = text.split('\n');
    const opening = lines.flatMap((l, i) => (l === '    {' ? [i + 1] : []));
    const { where } = await read([file('list.json', text)]);
    expect(opening).toHaveLength(2);
    expect(where).toEqual(opening.map((n) => `list.json:${n}`));
  });

  it('reads pretty-printed documents one after the other (jq output), and JSON lines after them', async () => {
    const text = `${JSON.stringify(event('j1'), null, 2)}\n${JSON.stringify(event('j2'), null, 4)}\n${line(event('j3'))}`;
    const second = JSON.stringify(event('j1'), null, 2).split('\n').length + 1;
    const { where, errors } = await read([file('jq.json', text)]);
    expect(errors).toEqual([]);
    expect(where).toEqual(['jq.json:1', `jq.json:${second}`, `jq.json:${text.split('\n').length - 1}`]);
  });

  it('reads a top-level JSON array of events, braces in strings not confusing it', async () => {
    const tricky = event('s', { userAgent: 'curl {not a brace} ]["\\' });
    const text = JSON.stringify([tricky, event('t')], null, 2);
    const { events, errors } = await read([file('array.json', text)]);
    expect(errors).toEqual([]);
    expect(events.map(({ event }) => event.userAgent)).toEqual([tricky.userAgent, event('t').userAgent]);
  });

  it('de-duplicates by auditID and stage, across files, keeping the other stages', async () => {
    const received = event('d', { stage: 'RequestReceived' });
    const complete = event('d', { stage: 'ResponseComplete' });
    const first = file('dup-1.log', `${line(received)}${line(complete)}${line(complete)}`);
    const second = file('dup-2.log', line(complete));
    const { events, stats } = await read([first, second]);
    expect(events.map(({ event }) => event.stage)).toEqual(['RequestReceived', 'ResponseComplete']);
    expect(stats.duplicates).toBe(2);
  });

  it('reads events a pipeline stripped of auditID or stage, counting them per file, de-duplicating none by ID', async () => {
    const { auditID: _id, ...anonymous } = event('x');
    const { stage: _stage, ...stageless } = event('s');
    const exported = file('export.log', [anonymous, anonymous, stageless, stageless, event('k')].map(line).join(''));
    const clean = file('clean.log', line(event('c')));
    const { events, stats } = await read([exported, clean]);
    // The same line twice without an ID may be two requests: both are read. A stageless copy is a copy.
    expect(events.map(({ source }) => `${source.file}:${source.line}`)).toEqual([
      'export.log:1',
      'export.log:2',
      'export.log:3',
      'export.log:5',
      'clean.log:1',
    ]);
    expect(stats).toMatchObject({ events: 5, duplicates: 1 });
    expect(stats.lenient).toEqual([{ file: 'export.log', withoutAuditID: 2, withoutStage: 2 }]);
    // Without a stage an event is its request's ResponseComplete: the complete one with its ID is its copy.
    const both = await read([file('stages.log', [stageless, event('s')].map(line).join(''))]);
    expect(both.stats).toMatchObject({ events: 1, duplicates: 1 });
  });

  it('remembers a bounded window of events: a copy far enough apart is read again', async () => {
    const text = [event('w0'), event('w1'), event('w2'), event('w3'), event('w0')].map(line).join('');
    const { stats } = await read([file('window.log', text)], { dedupWindow: 2 });
    expect(stats).toMatchObject({ events: 5, duplicates: 0 });
    const near = await read([file('near.log', [event('n0'), event('n1'), event('n0')].map(line).join(''))], {
      dedupWindow: 2,
    });
    expect(near.stats).toMatchObject({ events: 2, duplicates: 1 });
  });

  it('counts and reports malformed lines by file and line, never quoting them, and reads on', async () => {
    const secret = 'hunter2-password';
    const text = [
      line(event('m1')),
      `{"auditID": "x", "password": "${secret}"\n`,
      `password=${secret}\n`,
      line({ kind: 'Pod', metadata: { name: secret } }),
      line({ ...event('m2'), user: secret }),
      line(event('m3')),
    ].join('');
    const { where, stats, errors } = await read([file('bad.log', text)]);
    expect(where).toEqual(['bad.log:1', 'bad.log:6']);
    expect(stats.malformed).toBe(4);
    expect(errors.map(({ source, line }) => `${source}:${line}`)).toEqual([
      'bad.log:2',
      'bad.log:3',
      'bad.log:4',
      'bad.log:5',
    ]);
    expect(errors.map(({ message }) => message)).toEqual([
      'not valid JSON',
      'not valid JSON',
      'not an audit event (no verb, user or object)',
      'an audit event without a user',
    ]);
    expect(JSON.stringify(errors)).not.toContain(secret);
  });

  it('lists the first hundred malformed records of an input, then only counts them', async () => {
    const text = 'garbage\n'.repeat(150);
    const { stats, errors } = await read([file('garbage.log', text)]);
    expect(stats.malformed).toBe(150);
    expect(errors).toHaveLength(101);
    expect(errors.at(-1)?.message).toBe('50 more malformed records, not listed');
  });

  it('skips a line longer than the limit without holding it, and reads the next', async () => {
    const huge = `{"auditID": "${'x'.repeat(5000)}"}`;
    const text = `${line(event('h1'))}${huge}\n${line(event('h2'))}`;
    const chunked = Buffer.from(text);
    async function* chunks() {
      for (let at = 0; at < chunked.length; at += 512) yield chunked.subarray(at, at + 512);
    }
    const { where, errors, stats } = await read(['-'], { stdin: chunks, maxRecordLength: 1000 });
    expect(where).toEqual(['-:1', '-:3']);
    expect(stats.malformed).toBe(1);
    expect(errors).toEqual([{ source: '-', line: 2, message: expect.stringMatching(/^a line longer than/) }]);
  });

  it('skips a multi-line document larger than the limit, with a clear error at its first line', async () => {
    const big = JSON.stringify(
      { kind: 'EventList', items: Array.from({ length: 30 }, (_, i) => event(`b${i}`)) },
      null,
      2,
    );
    const { where, errors } = await read([file('big.json', `${big}\n${line(event('after'))}`)], {
      maxRecordLength: 2000,
    });
    expect(where).toEqual([`big.json:${big.split('\n').length + 1}`]);
    expect(errors).toEqual([
      { source: 'big.json', line: 1, message: expect.stringMatching(/^a JSON document larger than 2000 characters/) },
    ]);
  });

  it('reports a document the file ends in before closing', async () => {
    const text = JSON.stringify(event('open'), null, 2).split('\n').slice(0, -3).join('\n');
    const { events, errors } = await read([file('open.json', `${line(event('x'))}${text}`)]);
    expect(events).toHaveLength(1);
    expect(errors).toEqual([{ source: 'open.json', line: 2, message: expect.stringMatching(/ends before closing/) }]);
  });

  it('reads every file below a directory in name order, named from the directory as given', async () => {
    file('logs/b.log', line(event('dir-b')));
    file('logs/a/z.log', line(event('dir-z')));
    file('logs/c.log.gz', gzipSync(line(event('dir-c'))));
    const { where, stats } = await read(['logs']);
    expect(where).toEqual([
      `${path.join('logs', 'a', 'z.log')}:1`,
      `${path.join('logs', 'b.log')}:1`,
      `${path.join('logs', 'c.log.gz')}:1`,
    ]);
    expect(stats.files).toBe(3);
  });

  it('reports an unreadable or missing input and reads the others', async () => {
    const locked = file('locked.log', line(event('locked')));
    chmodSync(path.join(dir, locked), 0o000);
    const readable = process.getuid?.() === 0;
    const { where, errors } = await read(['missing.log', locked, file('ok.log', line(event('ok')))]);
    expect(where).toContain('ok.log:1');
    expect(errors).toContainEqual({ source: 'missing.log', message: 'cannot read: no such file or directory' });
    if (!readable) expect(errors).toContainEqual({ source: 'locked.log', message: 'cannot read: permission denied' });
  });
});
