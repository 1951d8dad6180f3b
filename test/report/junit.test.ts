import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/checks/index.js';
import { cli } from '../cli/run.js';
import { describeWithTool, repoRoot } from '../paths.js';

/** `-o junit`, checked against the JUnit schema bundled in test/fixtures/junit/ (its README says where it is from). */

const schema = path.join(repoRoot, 'test/fixtures/junit/junit.xsd');

/** A pod whose name and image carry what XML must escape, and characters XML 1.0 cannot hold at all. */
const hostile = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  annotations:
    note: "a <b> & \\"c\\""
spec:
  containers:
  - name: "x<y>&\\"z\\u0001\\u001b[31m"
    image: busybox:1.36
    securityContext:
      privileged: true
---
apiVersion: v1
kind: Pod
metadata:
  name: quiet
  namespace: shop
  annotations:
    kubematrix.io/ignore: "*"
    kubematrix.io/ignore-reason: accepted
spec:
  containers:
  - {name: app, image: busybox:1.36, securityContext: {privileged: true}}
`;

async function junit(...args: string[]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-junit-'));
  writeFileSync(path.join(dir, 'pods.yaml'), hostile);
  writeFileSync(path.join(dir, 'broken.yaml'), 'kind: [\n');
  const { status, stdout } = await cli(['scan', '.', '-o', 'junit', ...args], { cwd: dir });
  expect(status).toBe(0);
  const file = path.join(dir, 'report.xml');
  writeFileSync(file, stdout);
  return { xml: stdout, file };
}

const count = (xml: string, pattern: RegExp) => xml.match(pattern)?.length ?? 0;

describe('-o junit', () => {
  it('has a test case per check, a failure per unsuppressed finding, an error per input error', async () => {
    const { xml } = await junit();
    expect(count(xml, /<testcase /g)).toBe(allChecks.length + 1);
    const failures = count(xml, /<failure /g);
    expect(failures).toBeGreaterThan(3);
    expect(xml).toContain(
      `<testsuites name="kubematrix" tests="${allChecks.length + 1}" failures="${failures}" errors="1">`,
    );
    expect(xml).toMatch(/<error type="input-error" message="broken\.yaml:\d+:\d+: invalid YAML[^"]*"\/>/);
    // The suppressed pod fails nothing.
    expect(xml).not.toContain('Pod/shop/quiet');
    expect(xml).toMatch(
      /<testcase name="privileged-container: Privileged container" classname="kubematrix\.privileged-container">\n {6}<failure type="critical" message="Pod\/shop\/web: container 'x&lt;y&gt;&amp;&quot;z\\u0001\\u001b\[31m' is privileged/,
    );
  });

  it('skips the checks that did not run rather than passing them', async () => {
    const { xml } = await junit('--skip-check', 'privileged-container');
    expect(xml).toMatch(
      /<testcase name="privileged-container: Privileged container" classname="kubematrix\.privileged-container">\n {6}<skipped message="not run in this scan/,
    );
    // admission-rejected is skipped too: it runs only with --policies.
    expect(xml).toMatch(/ skipped="2" /);
  });
});

describeWithTool('xmllint', '-o junit against the JUnit schema', () => {
  it('validates, hostile names and control characters included; a decoy that breaks the schema does not', async () => {
    const { file, xml } = await junit();
    const valid = spawnSync('xmllint', ['--noout', '--schema', schema, file], { encoding: 'utf8' });
    expect(valid.stderr).toBe(`${file} validates\n`);
    expect(valid.status).toBe(0);
    // The schema is not a rubber stamp: a test case without a name, or a count that is not a number, fails it.
    for (const broken of [
      xml.replace(/<testcase name="[^"]*"/, '<testcase'),
      xml.replace(/ failures="\d+"/, ' failures="many"'),
    ]) {
      writeFileSync(file, broken);
      expect(spawnSync('xmllint', ['--noout', '--schema', schema, file], { encoding: 'utf8' }).status).not.toBe(0);
    }
  });
});
