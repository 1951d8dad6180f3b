import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** The workplace's shared folder (reference data and public corpora), beside the repository. */
export const sharedDir = path.resolve(repoRoot, '../shared');
export const binPath = path.join(repoRoot, 'bin/kubematrix.js');
