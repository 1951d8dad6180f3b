import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './run.js';

/** `scan --rules`, `scan --policies` and `explain` of a custom rule, end to end, in a folder of their own. */

const RULES = `rules:
- id: approved-registry
  title: Image from outside the approved registry
  severity: high
  techniques: [MS-TA9002]
  mitigations: [MS-M9009]
  description: Every container image comes from registry.example.com, which scans and signs what it serves.
  remediation: Push the image to registry.example.com and refer to it there.
  match:
    kinds: [Deployment]
  validations:
  - expression: "object.spec.template.spec.containers.all(c, c.image.startsWith('registry.example.com/'))"
    message: an image comes from outside registry.example.com
`;

const APP = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: docker.io/library/nginx:1.25
        securityContext: {privileged: true}
`;

const POLICIES = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-privileged}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
  validations:
  - expression: "object.spec.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged)"
    message: privileged containers are not allowed
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: no-privileged}
spec:
  policyName: no-privileged
  validationActions: [Deny]
`;

let dir: string;
const run = (...args: string[]) => cli(args, { cwd: dir });

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kubematrix-rules-'));
  mkdirSync(path.join(dir, 'app/policies'), { recursive: true });
  writeFileSync(path.join(dir, 'rules.yaml'), RULES);
  writeFileSync(path.join(dir, 'app/web.yaml'), APP);
  writeFileSync(path.join(dir, 'app/policies/no-privileged.yaml'), POLICIES);
  writeFileSync(path.join(dir, 'not-policies.yaml'), APP);
  writeFileSync(path.join(dir, 'broken.yaml'), RULES.replace("startsWith('registry.example.com/'))", 'startsWith('));
  writeFileSync(path.join(dir, 'typo.yaml'), RULES.replace('MS-TA9002', 'MS-TA-9002'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a custom rule', () => {
  it('is a SARIF rule of its own, its findings results pointing at it', async () => {
    const { status, stdout } = await run(
      'scan',
      'app',
      '--rules',
      'rules.yaml',
      '--check',
      'approved-registry',
      '-o',
      'sarif',
    );
    expect(status).toBe(0);
    const [sarifRun] = JSON.parse(stdout).runs;
    const rules = sarifRun.tool.driver.rules as {
      id: string;
      shortDescription: { text: string };
      help: { text: string };
    }[];
    const index = rules.findIndex((rule) => rule.id === 'approved-registry');
    expect(rules[index]?.shortDescription.text).toBe('Image from outside the approved registry');
    expect(rules[index]?.help.text).toContain('Push the image to registry.example.com');
    expect(sarifRun.results).toEqual([
      expect.objectContaining({
        ruleId: 'approved-registry',
        ruleIndex: index,
        level: 'error',
        message: { text: 'Deployment/shop/web: an image comes from outside registry.example.com' },
      }),
    ]);
  });

  it('is a JUnit test case, failing with its finding', async () => {
    const { stdout } = await run('scan', 'app', '--rules', 'rules.yaml', '-o', 'junit');
    expect(stdout).toMatch(
      /<testcase name="approved-registry: Image from outside the approved registry" classname="kubematrix\.approved-registry">\n {6}<failure type="high" message="Deployment\/shop\/web: an image comes from outside registry\.example\.com">/,
    );
  });

  it('is in the Markdown and HTML reports', async () => {
    const markdown = await run('scan', 'app', '--rules', 'rules.yaml', '-o', 'markdown');
    expect(markdown.stdout).toMatch(/\| high \| approved-registry \| `Deployment\/shop\/web` \|/);
    const html = await run('scan', 'app', '--rules', 'rules.yaml', '-o', 'html');
    expect(html.stdout).toContain('Image from outside the approved registry');
    expect(html.stdout).toContain('Push the image to registry.example.com and refer to it there.');
  });

  it('is explained, from --rules or the config file', async () => {
    const fromRules = await run('explain', 'approved-registry', '--rules', 'rules.yaml');
    expect(fromRules.status).toBe(0);
    expect(fromRules.stdout).toContain('Custom rule, default severity high, defined in rules.yaml:2');
    expect(fromRules.stdout).toMatch(/MS-TA9002 +Compromised image In registry/);
    writeFileSync(path.join(dir, 'kubematrix.yaml'), RULES);
    const json = await run('explain', 'approved-registry', '-c', 'kubematrix.yaml', '-o', 'json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      type: 'custom-rule',
      id: 'approved-registry',
      definedAt: { file: 'kubematrix.yaml', line: 2 },
    });
    // Unknown without its file.
    expect((await run('explain', 'approved-registry')).status).toBe(2);
  });

  it('whose expression does not compile stops the scan: exit 2, at its file and line', async () => {
    const { status, stdout, stderr } = await run('scan', 'app', '--rules', 'broken.yaml');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /broken\.yaml:12:5: rules\[0\]\.validations\[0\]\.expression: the expression does not compile/,
    );
  });

  it('naming an unknown technique is refused with the closest ids', async () => {
    const { status, stderr } = await run('scan', 'app', '--rules', 'typo.yaml');
    expect(status).toBe(2);
    expect(stderr).toMatch(
      /typo\.yaml:5:16: rules\[0\]\.techniques\[0\]: 'MS-TA-9002' is no technique .*\(closest: MS-TA9002,/,
    );
  });
});

describe('scan --policies', () => {
  it("fails the gate on what the cluster's policies would reject, and leaves them out of the input", async () => {
    const { status, stdout } = await run(
      'scan',
      'app',
      '--policies',
      'app/policies',
      '--fail-on',
      'high',
      '-o',
      'json',
    );
    expect(status).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.source.files).toBe(1);
    const [rejected] = report.findings.filter((f: { checkId: string }) => f.checkId === 'admission-rejected');
    expect(rejected).toMatchObject({
      severity: 'high',
      location: { file: 'app/web.yaml', line: 1 },
      message: expect.stringMatching(/^would be rejected: privileged containers are not allowed/),
      evidence: [
        { type: 'policy', location: { file: 'app/policies/no-privileged.yaml', line: 9 } },
        { type: 'policy', location: { file: 'app/policies/no-privileged.yaml', line: 12 } },
      ],
    });
  });

  it('refuses input that holds no admission object: checked against nothing, everything would pass', async () => {
    const { status, stderr } = await run('scan', 'app', '--policies', 'not-policies.yaml');
    expect(status).toBe(2);
    expect(stderr).toMatch(/--policies not-policies\.yaml: no admission object read/);
  });
});
