import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanManifests } from '../../src/engine/scan.js';
import { repoRoot } from '../paths.js';

const folder = path.join(repoRoot, 'test/fixtures/bad-input');
const file = (name: string) => path.join(folder, name);

describe('a folder of broken inputs', async () => {
  const { report } = await scanManifests([folder]);
  const errorFor = (name: string) => report.errors.filter((error) => error.source === file(name));

  it('still reports the finding of the one healthy file, at its line', () => {
    const finding = report.findings.find((f) => f.checkId === 'privileged-container');
    expect(finding?.resource).toEqual({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'survivor' });
    expect(finding?.location).toMatchObject({ file: file('good.yaml'), line: 11, column: 9 });
  });

  it.each([
    ['invalid.yaml', /invalid YAML/, 6],
    ['duplicate-keys.yaml', /invalid YAML: map keys must be unique/, 9],
    ['alias-bomb.yaml', /alias bomb/, 2],
    ['deep.yaml', /nesting/, undefined],
    ['binary.yaml', /binary file/, undefined],
    ['latin1.yaml', /not valid UTF-8/, undefined],
    ['no-kind.yaml', /no valid kind/, 1],
    ['wrong-type.yaml', /Deployment typo: spec\.template\.spec\.containers: .*expected array/, 8],
    ['helm-template.yaml', /unrendered Helm template.*helm template/, undefined],
    ['kustomization.yaml', /Kustomization.*kubectl kustomize/, undefined],
    ['dangling.yaml', /cannot read/, undefined],
  ])('%s gets one clear, located error', (name, message, line) => {
    const errors = errorFor(name);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(message);
    if (line) expect(errors[0]?.line).toBe(line);
  });

  it('reports malformed NetworkPolicies where they are wrong, and assesses the namespace without them', () => {
    expect(errorFor('network-policy.yaml').map(({ line, message }) => [line, message])).toEqual([
      [7, 'NetworkPolicy string-selector: spec.podSelector: expected object, got a string; the policy was ignored'],
      [
        15,
        'NetworkPolicy unknown-type: spec.policyTypes[1]: must be one of "Ingress", "Egress"; the policy was ignored',
      ],
    ]);
    const finding = report.findings.find((f) => f.checkId === 'network-policy' && f.resource.name === 'isolated');
    expect(finding?.message).toMatch(/^no NetworkPolicy in the input selects any pod in namespace 'quarantine'/);
  });

  it('passes over empty documents and counts non-Kubernetes YAML as ignored, without errors', () => {
    expect(errorFor('empty.yaml')).toEqual([]);
    expect(errorFor('not-kubernetes.yaml')).toEqual([]);
    expect(report.source.ignored).toBe(2);
  });

  it('does not loop on a symlink back to a parent directory', () => {
    const good = report.findings.filter((f) => f.location?.file.endsWith('good.yaml'));
    expect(good.map((f) => f.checkId).filter((id) => id === 'privileged-container')).toHaveLength(1);
  });

  it('has no error it cannot explain', () => {
    const known = new Set(
      [
        'invalid.yaml',
        'duplicate-keys.yaml',
        'alias-bomb.yaml',
        'deep.yaml',
        'binary.yaml',
        'latin1.yaml',
        'no-kind.yaml',
        'wrong-type.yaml',
        'helm-template.yaml',
        'kustomization.yaml',
        'dangling.yaml',
        'network-policy.yaml',
      ].map(file),
    );
    expect(report.errors.filter((error) => !known.has(error.source))).toEqual([]);
  });
});
