import { createRequire } from 'node:module';

// Resolved the same from src/ (tests) and dist/ (the built package): both sit one level below package.json.
const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

export const version: string = pkg.version;
