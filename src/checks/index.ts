import type { AnyCheck } from './define.js';
import privilegedContainer from './privileged-container/index.js';

/** Every check kubematrix runs, in the order their docs list them. */
export const allChecks: readonly AnyCheck[] = [privilegedContainer];

export function getCheck(id: string): AnyCheck | undefined {
  return allChecks.find((check) => check.id === id);
}
