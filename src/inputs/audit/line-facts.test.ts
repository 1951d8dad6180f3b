import { describe, expect, it } from 'vitest';
import { execEvent } from '../../detections/exec.fixtures.js';
import { auditEvent } from '../../detections/tester.js';
import { decodeRecord } from './decode.js';
import type { AuditEvent } from './event.js';
import { type LineFacts, lineFacts } from './line-facts.js';

/** The facts of `line` (without its line break), read off its bytes. */
function factsOf(line: string): LineFacts | undefined {
  return lineFacts(Buffer.from(`${line}\n`), 0);
}

/** The facts the reader and the pipeline take from the parsed line, or why it is not one event. */
function parsedFacts(line: string): Omit<LineFacts, 'end'> | string {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  const decoded = decodeRecord(record);
  if (typeof decoded === 'string') return decoded;
  if (decoded.length !== 1) return `${decoded.length} events`;
  const event = decoded[0] as AuditEvent;
  const resource = event.objectRef?.resource ?? '';
  return {
    auditID: event.auditID,
    stage: event.stage,
    verb: event.verb,
    resource,
    subresource: (resource && event.objectRef?.subresource) || '',
    username: event.user.username,
    groups: event.user.groups,
    code: event.responseStatus?.code,
  };
}

/** What the scan must never do: read facts off a line the parser would not read as this one event. */
function expectSound(line: string): LineFacts | undefined {
  const facts = factsOf(line);
  if (facts) {
    const { end: _end, ...read } = facts;
    expect({ line, facts: read }).toEqual({ line, facts: parsedFacts(line) });
  }
  return facts;
}

const plain = auditEvent({
  verb: 'get',
  user: { username: 'system:serviceaccount:shop:web', groups: ['system:serviceaccounts', 'system:authenticated'] },
  objectRef: { resource: 'pods', subresource: 'log', namespace: 'shop', name: 'web' },
  responseStatus: { code: 200 },
});

describe('facts read off a raw line', () => {
  it('reads the facts of an API server line, compact or spaced as other writers space it', () => {
    for (const line of [
      JSON.stringify(plain),
      JSON.stringify(plain, null, 1).replaceAll('\n', ' '),
      JSON.stringify(plain).replaceAll('":', '" :  ').replaceAll(',"', ' , "'),
      `${JSON.stringify(plain)} \r`,
    ]) {
      expect(expectSound(line)).toMatchObject({
        verb: 'get',
        resource: 'pods',
        subresource: 'log',
        username: 'system:serviceaccount:shop:web',
        groups: ['system:serviceaccounts', 'system:authenticated'],
        code: 200,
        stage: 'ResponseComplete',
      });
    }
  });

  it('reads keys in any order, a verb in a body leaving the event verb alone', () => {
    const review = auditEvent({
      verb: 'create',
      objectRef: { resource: 'selfsubjectaccessreviews', apiGroup: 'authorization.k8s.io' },
      requestObject: { spec: { resourceAttributes: { verb: 'list', resource: 'secrets' }, user: { username: 'x' } } },
    });
    const reversed = Object.fromEntries(Object.entries(review).reverse());
    for (const event of [review, reversed]) {
      expect(expectSound(JSON.stringify(event))).toMatchObject({
        verb: 'create',
        resource: 'selfsubjectaccessreviews',
        username: 'alice@example.com',
      });
    }
  });

  it('reads an event without auditID, stage, groups, code or objectRef (a request URI instead)', () => {
    const { auditID: _a, stage: _s, objectRef: _o, responseStatus: _r, ...rest } = plain;
    const facts = expectSound(JSON.stringify({ ...rest, user: { username: 'bob' } }));
    expect(facts).toMatchObject({ auditID: undefined, stage: undefined, resource: '', code: undefined });
    expect(facts?.groups).toBeUndefined();
  });

  it('leaves to the parser what it cannot read for sure', () => {
    const line = JSON.stringify(plain);
    const cases = {
      'a key given twice': line.replace('{', '{"verb":"delete",'),
      'a fact key escaped': line.replace('"verb"', '"\\u0076erb"'),
      'a fact escaped': line.replace('"system:serviceaccount:shop:web"', '"system:serviceaccount:shop:w\\u0065b"'),
      'a fact outside ASCII': line.replace('"system:serviceaccount:shop:web"', '"system:serviceaccount:shop:wéb"'),
      'a user name that is not text': line.replace('"system:serviceaccount:shop:web"', '7'),
      'a code that is not an integer': line.replace('"code":200', '"code":200.0'),
      'a code given as text': line.replace('"code":200', '"code":"200"'),
      'groups that are not a list of text': line.replace('"system:serviceaccounts"', 'null'),
      'a user that is not an object': line.replace(/"user":\{[^}]*\}/, '"user":"alice"'),
      'no user': line.replace(/"user":\{[^}]*\},/, ''),
      'an empty verb': line.replace('"verb":"get"', '"verb":""'),
      'an EventList': JSON.stringify({ kind: 'EventList', items: [plain] }),
      'a list': JSON.stringify([plain]),
      'an AKS record': JSON.stringify({ properties: { log: JSON.stringify(plain) } }),
      'a GKE entry': JSON.stringify({
        protoPayload: { methodName: 'io.k8s.core.v1.pods.get', authenticationInfo: { principalEmail: 'a@b' } },
      }),
      'text after the object': `${line} x`,
      'a second object': `${line}${line}`,
      'leading white space': ` ${line}`,
      'a line the bytes do not end': line.slice(0, -1),
    };
    for (const [name, text] of Object.entries(cases)) {
      expect(text).not.toBe(line);
      expect({ name, facts: expectSound(text) }).toEqual({ name, facts: undefined });
    }
  });

  it('never reads a malformed line: the parser reports it', () => {
    const line = JSON.stringify(plain);
    for (const broken of [
      line.slice(0, -1),
      line.replace('"verb":', '"verb"'),
      line.replace('"get",', '"get",,'),
      line.replace('"code":200}', '"code":200,}'),
      line.replace('"code":200', '"code":0200'),
      line.replace('"code":200', '"code":-'),
      line.replace('"code":200', '"code":2e'),
      line.replace('"log"', '"l\tg"'),
      line.replace('"log"', '"l\\xg"'),
      line.replace('"log"', '"l\\u00zg"'),
      line.replace('"name":"web"', '"name":tru'),
      line.replace('[', '[1 2'),
    ]) {
      expect(broken).not.toBe(line);
      expect({ broken, facts: factsOf(broken) }).toEqual({ broken, facts: undefined });
      expect(() => JSON.parse(broken)).toThrow();
    }
  });

  it('is sound on lines mangled at random: whatever it reads, the parser reads the same', () => {
    // Deterministic: mulberry32 from a fixed seed.
    let state = 23;
    const random = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const sources = [
      JSON.stringify(plain),
      JSON.stringify(execEvent({ command: ['sh', '-c', 'cat "/x"\\'] })),
      JSON.stringify(auditEvent({ user: { username: 'system:anonymous', groups: ['system:unauthenticated'] } })),
    ];
    const alphabet = '{}[]":,\\ 0-.eE1tfnu"';
    let read = 0;
    for (let round = 0; round < 6000; round++) {
      let line = sources[round % sources.length] as string;
      for (let edits = 1 + Math.floor(random() * 2); edits > 0; edits--) {
        const at = Math.floor(random() * line.length);
        const what = random();
        const char = alphabet[Math.floor(random() * alphabet.length)] as string;
        if (what < 0.4) line = line.slice(0, at) + line.slice(at + 1);
        else if (what < 0.7) line = line.slice(0, at) + char + line.slice(at);
        else line = line.slice(0, at) + char + line.slice(at + 1);
      }
      if (expectSound(line)) read++;
    }
    // Some edits leave a valid event (a changed name, a deleted space): those are read, the rest left.
    expect(read).toBeGreaterThan(100);
  });
});
