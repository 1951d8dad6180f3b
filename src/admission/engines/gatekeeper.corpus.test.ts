import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeShared, sharedDir } from '../../../test/paths.js';
import { documents, inventoryOf, requestFor } from '../../../test/support/admission.js';
import { asRecord } from '../../inventory/index.js';
import type { PolicyOutcome } from '../types.js';
import { gatekeeperEngine } from './gatekeeper.js';

/**
 * gatekeeper-library's pod-security-policy templates with their samples: every case of each `suite.yaml` must get
 * upstream's verdict (violations or none) from the CEL code, and a Rego-only template must say unproven.
 */
const ROOT = path.join(sharedDir, 'corpora/admission/gatekeeper-library/library/pod-security-policy');

interface Case {
  readonly id: string;
  readonly rego: boolean;
  readonly expected: 'violation' | 'none';
  readonly outcomes: readonly PolicyOutcome[];
}

function cases(): Case[] {
  return readdirSync(ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap(({ name: folder }) => {
      const dir = path.join(ROOT, folder);
      const read = (file: string) => documents(readFileSync(path.join(dir, file), 'utf8'));
      const suite = read('suite.yaml')[0] ?? {};
      return (Array.isArray(suite.tests) ? suite.tests : []).flatMap((raw) => {
        const test = asRecord(raw);
        const template = read(String(test.template))[0] ?? {};
        const constraint = read(String(test.constraint))[0] ?? {};
        const rego = !JSON.stringify(template).includes('K8sNativeValidation');
        return (Array.isArray(test.cases) ? test.cases : []).map((rawCase): Case => {
          const testCase = asRecord(rawCase);
          const [object = {}] = read(String(testCase.object));
          const violations = asRecord((testCase.assertions as unknown[])[0]).violations;
          const review = object.kind === 'AdmissionReview' ? asRecord(object.request) : undefined;
          const request = review
            ? requestFor(asRecord(review.object), {
                ...(review.operation === 'UPDATE' ? { oldObject: asRecord(review.oldObject ?? review.object) } : {}),
              })
            : requestFor(object);
          return {
            id: `${folder}/${String(test.name)}/${String(testCase.name)}`,
            rego,
            expected: violations === 'no' || violations === 0 ? 'none' : 'violation',
            outcomes: gatekeeperEngine.evaluate(request, inventoryOf(template, constraint)),
          };
        });
      });
    });
}

describeShared('gatekeeper-library pod-security-policy', () => {
  const all = cases();

  it('matches upstream on every case of a CEL template', () => {
    const cel = all.filter((c) => !c.rego);
    const verdict = (c: Case) => (c.outcomes.some((o) => o.outcome === 'deny') ? 'violation' : 'none');
    const mismatched = cel
      .filter((c) => verdict(c) !== c.expected || c.outcomes.some((o) => o.outcome === 'unproven'))
      .map(
        (c) =>
          `${c.id}: expected ${c.expected}, got ${c.outcomes.map((o) => `${o.outcome} ${o.reason ?? ''} ${o.message ?? ''}`).join('; ') || 'nothing'}`,
      );
    console.info(
      `gatekeeper-library CEL templates: ${cel.length - mismatched.length} of ${cel.length} cases as upstream`,
    );
    expect(mismatched).toEqual([]);
    expect(cel.length).toBeGreaterThan(90);
  });

  it('says unproven for every case a Rego-only template applies to', () => {
    const rego = all.filter((c) => c.rego);
    expect(rego.length).toBeGreaterThan(10);
    for (const c of rego) {
      expect(
        c.outcomes.map((o) => o.outcome),
        c.id,
      ).toEqual(['unproven']);
      expect(c.outcomes[0]?.reason).toContain('Rego');
    }
  });
});
