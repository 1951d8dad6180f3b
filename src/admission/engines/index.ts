import type { AdmissionEngine } from '../types.js';
import { gatekeeperEngine } from './gatekeeper.js';
import { kyverno } from './kyverno.js';
import { kyvernoValidatingPolicyEngine } from './kyverno-vpol.js';
import { podSecurityAdmission } from './psa.js';
import { validatingAdmissionPolicyEngine } from './vap.js';

/**
 * The admission engines `admit` consults, one per kind of policy. Each answers only for its own policies; the order
 * is the order their outcomes are listed in.
 */
export const ENGINES: readonly AdmissionEngine[] = [
  podSecurityAdmission,
  validatingAdmissionPolicyEngine,
  kyverno,
  kyvernoValidatingPolicyEngine,
  gatekeeperEngine,
];
