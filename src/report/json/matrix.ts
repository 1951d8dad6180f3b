import { mitigations, tactics, techniques } from '../../matrix/index.js';

/** The knowledge base as `kubematrix matrix --output json` prints it (documented in docs/json.md). */
export function matrixJson() {
  return {
    tactics: tactics.map(({ id, name, attack, techniques }) => ({ id, name, attack, techniques })),
    techniques: techniques.map(({ id, name, tactics, attack, mitigations, summary, detection }) => ({
      id,
      name,
      tactics,
      attack,
      mitigations,
      summary,
      detection,
    })),
    mitigations: mitigations.map(({ id, name, attack, techniques, summary }) => ({
      id,
      name,
      attack,
      techniques,
      summary,
    })),
  };
}
