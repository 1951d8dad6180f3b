import { evidenceAt } from '../k8s/evidence.js';
import type { Evidence } from '../model/report.js';
import { formatBinding, formatRole, formatRule, formatScope } from './format.js';
import type { RiskyGrant } from './risky.js';

/** The binding that hands a rule to the subject, and the rule itself, each where it is written. */
export function grantEvidence(grant: RiskyGrant): Evidence[] {
  const { binding, role, rule } = grant;
  const evidence: Evidence[] = [];
  if (binding.resource) {
    evidence.push(
      evidenceAt(
        'binding',
        binding.resource,
        ['roleRef'],
        `${formatBinding(binding)} binds ${formatRole(role)} ${formatScope(binding.scope)}`,
      ),
    );
  }
  const declaredBy = rule.declaredBy.resource;
  const text = `${formatRole(rule.declaredBy)} rules[${rule.index}]: ${formatRule(rule)}`;
  evidence.push(
    declaredBy
      ? evidenceAt('rule', declaredBy, ['rules', rule.index], text)
      : { type: 'rule', text: `${rule.declaredBy.origin} ${text}` },
  );
  return evidence;
}
