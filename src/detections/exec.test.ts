import { describe, expect, it } from 'vitest';
import { execEvent } from './exec.fixtures.js';
import { execRequest, programName, simpleCommands, unwrap } from './exec.js';
import { auditEvent } from './tester.js';

describe('execRequest', () => {
  it('decodes the command words from the URL-encoded requestURI', () => {
    const event = execEvent({ command: ['/bin/sh', '-c', 'cat /etc/passwd; echo a&b=c'], container: 'app' });
    expect(event.requestURI).toContain('command=%2Fbin%2Fsh&command=-c&command=cat+%2Fetc%2Fpasswd%3B+echo+a%26b%3Dc');
    expect(execRequest(event)).toEqual({
      kind: 'exec',
      command: ['/bin/sh', '-c', 'cat /etc/passwd; echo a&b=c'],
      container: 'app',
      interactive: false,
    });
  });

  it('reads an API server URI with percent-encoded spaces too', () => {
    const event = execEvent({}, { requestURI: '/api/v1/namespaces/a/pods/b/exec?command=ls%20-l&stdin=true&tty=true' });
    expect(execRequest(event)).toEqual({ kind: 'exec', command: ['ls -l'], interactive: true });
  });

  it('reads the command from a PodExecOptions body when the URI has none, the URI winning when both do', () => {
    const body = { kind: 'PodExecOptions', command: ['sh', 7, '-c', 'id'], container: 'app', stdin: true, tty: true };
    const bare = execEvent({}, { requestURI: '/api/v1/namespaces/a/pods/b/exec', requestObject: body });
    expect(execRequest(bare)).toEqual({
      kind: 'exec',
      command: ['sh', '-c', 'id'],
      container: 'app',
      interactive: true,
    });
    const { requestURI: _uri, ...exported } = execEvent();
    expect(execRequest({ ...exported, requestObject: body })).toMatchObject({ command: ['sh', '-c', 'id'] });
    const both = execEvent({ command: ['ls'], container: 'web' }, { requestObject: body });
    expect(execRequest(both)).toEqual({ kind: 'exec', command: ['ls'], container: 'web', interactive: false });
    // A body that is no options object adds nothing.
    expect(execRequest(execEvent({}, { requestURI: '/x/exec', requestObject: 'sh' }))?.command).toEqual([]);
  });

  it('knows attach, which has no command', () => {
    expect(execRequest(execEvent({ kind: 'attach', interactive: true }))).toMatchObject({
      kind: 'attach',
      command: [],
    });
  });

  it('ignores other requests, unanswered stages and refusals', () => {
    expect(execRequest(auditEvent())).toBeUndefined();
    expect(execRequest(execEvent({}, { stage: 'RequestReceived', responseStatus: undefined }))).toBeUndefined();
    expect(execRequest(execEvent({}, { stage: 'ResponseComplete', responseStatus: { code: 404 } }))).toBeUndefined();
  });
});

describe('programName', () => {
  it('keeps the base name, lower-case, without .exe', () => {
    expect(programName('/usr/bin/python3')).toBe('python3');
    expect(programName('C:\\Windows\\System32\\CMD.EXE')).toBe('cmd');
    expect(programName('bash')).toBe('bash');
  });
});

describe('unwrap', () => {
  it('peels wrappers with their options, assignments and numbers', () => {
    expect(unwrap(['env', '-i', 'HOME=/tmp', 'nohup', 'nice', '-n', '10', '/bin/bash', '-i'])).toEqual([
      '/bin/bash',
      '-i',
    ]);
    expect(unwrap(['timeout', '30s', 'busybox', 'sh'])).toEqual(['sh']);
    expect(unwrap(['chroot', '/host', 'sh'])).toEqual(['sh']);
    expect(unwrap(['nsenter', '-t', '1', '-m', '-u', '-n', '-i', 'sh'])).toEqual(['sh']);
  });

  it('leaves a wrapper alone when nothing follows it', () => {
    expect(unwrap(['env'])).toEqual(['env']);
    expect(unwrap(['ls', 'env'])).toEqual(['ls', 'env']);
  });
});

describe('simpleCommands', () => {
  it('splits a shell script into its commands', () => {
    expect(simpleCommands(['sh', '-c', 'tar cf - /data | tail -c+5; env FOO=1 "curl" x && $(id)'])).toEqual([
      ['sh', '-c', 'tar cf - /data | tail -c+5; env FOO=1 "curl" x && $(id)'],
      ['tar', 'cf', '-', '/data'],
      ['tail', '-c+5'],
      ['curl', 'x'],
      ['id'],
    ]);
  });

  it('finds the script after combined flags, and none without -c', () => {
    expect(simpleCommands(['/bin/bash', '-ec', 'whoami'])).toEqual([['/bin/bash', '-ec', 'whoami'], ['whoami']]);
    expect(simpleCommands(['bash', '/tmp/x.sh'])).toEqual([['bash', '/tmp/x.sh']]);
    expect(simpleCommands([])).toEqual([]);
  });
});
