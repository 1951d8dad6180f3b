import { spawn } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditEvent } from '../../src/detections/tester.js';
import { binPath, repoRoot } from '../paths.js';
import { cli } from './run.js';

const fixtures = path.join(repoRoot, 'test/fixtures/tls');
const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tokenFile = path.join(dir, 'token');
writeFileSync(tokenFile, 'serve-test-token\n');
const tlsArgs = ['--tls-cert', path.join(fixtures, 'server.crt'), '--tls-key', path.join(fixtures, 'server.key')];

describe('kubematrix audit serve', () => {
  it.each([
    ['no way to authenticate', [...tlsArgs], /give --token-file, --client-ca/],
    ['a bad --listen', [...tlsArgs, '--token-file', tokenFile, '--listen', '8443'], /--listen must be HOST:PORT/],
    ['a bad --queue', [...tlsArgs, '--token-file', tokenFile, '--queue', '0'], /--queue must be a positive/],
    ['an unknown --output', [...tlsArgs, '--token-file', tokenFile, '-o', 'json'], /--output must be jsonl/],
    [
      'a missing token file',
      [...tlsArgs, '--token-file', path.join(dir, 'none')],
      /--token-file .*none: cannot read: no such file/,
    ],
    ['a missing key', ['--tls-cert', 'x.crt', '--tls-key', 'x.key', '--token-file', tokenFile], /--tls-cert x.crt/],
    ['no certificate', ['--token-file', tokenFile], /required option '--tls-cert <file>'/],
  ])('refuses %s as a usage error', async (_name, args, message) => {
    const result = await cli(['audit', 'serve', ...args]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  describe('refuses unusable TLS files in one sentence naming the file, without a stack', () => {
    const file = (name: string, content: string | Buffer) => {
      writeFileSync(path.join(dir, name), content);
      return path.join(dir, name);
    };
    const serverCrt = path.join(fixtures, 'server.crt');
    const serverKey = path.join(fixtures, 'server.key');
    const der = file('server.der', new X509Certificate(readFileSync(serverCrt)).raw);
    const notPem = file('notes.txt', 'this is not a certificate\n');
    const broken = file('broken.crt', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const encrypted = file(
      'encrypted.key',
      generateKeyPairSync('ec', {
        namedCurve: 'P-256',
        privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pass' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      }).privateKey,
    );
    const missing = path.join(dir, 'missing.crt');
    it.each([
      [
        'a missing certificate',
        missing,
        serverKey,
        [],
        `--tls-cert ${missing}: cannot read: no such file or directory`,
      ],
      ['a directory as the key', serverCrt, dir, [], `--tls-key ${dir}: cannot read: a directory`],
      ['a certificate not in PEM', notPem, serverKey, [], `--tls-cert ${notPem} holds no PEM certificate`],
      ['a DER certificate', der, serverKey, [], `--tls-cert ${der} holds no PEM certificate`],
      ['a PEM block that is no certificate', broken, serverKey, [], `--tls-cert ${broken}: certificate 1 of 1 cannot`],
      ['a certificate as the key', serverCrt, serverCrt, [], `--tls-key ${serverCrt} holds no PEM private key`],
      ['an encrypted key', serverCrt, encrypted, [], `--tls-key ${encrypted} is encrypted: give the key unencrypted`],
      [
        "another certificate's key",
        serverCrt,
        path.join(fixtures, 'stranger.key'),
        [],
        `--tls-key ${path.join(fixtures, 'stranger.key')} is not the key of the first certificate in --tls-cert ${serverCrt}`,
      ],
      ['a key as the CA', serverCrt, serverKey, ['--client-ca', serverKey], `--client-ca ${serverKey} holds no PEM`],
      ['a text file as the CA', serverCrt, serverKey, ['--client-ca', notPem], `--client-ca ${notPem} holds no PEM`],
    ])('%s', async (_name, cert, key, more, message) => {
      const result = await cli([
        'audit',
        'serve',
        '--tls-cert',
        cert,
        '--tls-key',
        key,
        '--token-file',
        tokenFile,
        ...more,
      ]);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`kubematrix: ${message}`);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    });
  });

  it('refuses an empty token file, and never prints a token it read', async () => {
    const empty = path.join(dir, 'empty');
    writeFileSync(empty, '\n');
    expect((await cli(['audit', 'serve', ...tlsArgs, '--token-file', empty])).stderr).toMatch(/is empty/);
    const spaced = path.join(dir, 'spaced');
    writeFileSync(spaced, 'secret-part other-part');
    const result = await cli(['audit', 'serve', ...tlsArgs, '--token-file', spaced]);
    expect(result.stderr).toMatch(/must hold one token/);
    expect(result.stderr).not.toContain('secret-part');
  });

  it('serves until SIGTERM, then drains, appends to its output file and exits 0', async () => {
    const alerts = path.join(dir, 'alerts.jsonl');
    writeFileSync(alerts, '{"kept":"from an earlier run"}\n');
    const child = spawn(
      process.execPath,
      [
        binPath,
        'audit',
        'serve',
        ...tlsArgs,
        '--token-file',
        tokenFile,
        '--listen',
        '127.0.0.1:0',
        '-o',
        `jsonl=${alerts}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8');
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (chunk: string) => {
        stderr += chunk;
        const match = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const body = JSON.stringify({
      kind: 'EventList',
      apiVersion: 'audit.k8s.io/v1',
      items: [auditEvent(), auditEvent()],
    });
    expect(await post(port, body, 'serve-test-token')).toBe(200);
    expect(await post(port, body, 'wrong')).toBe(401);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(stderr).toMatch(/stopping \(SIGTERM\)/);
    expect(stderr).toMatch(/stopped: 2 events received, 2 run, \d+ alerts?/);
    expect(stderr).not.toContain('serve-test-token');
    expect(code).toBe(0);
    expect(existsSync(alerts)).toBe(true);
    expect(readFileSync(alerts, 'utf8')).toMatch(/^\{"kept":"from an earlier run"\}\n/);
  });
});

function post(port: number, body: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        ca: readFileSync(path.join(fixtures, 'ca.crt')),
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
