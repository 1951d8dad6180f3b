#!/usr/bin/env node
// Regenerates docs/checks.md from the checks' metadata (run `npm run docs`, which builds first).
import { mkdirSync, writeFileSync } from 'node:fs';
import { allChecks } from '../dist/checks/index.js';
import { checksMarkdown } from '../dist/docs/checks.js';

mkdirSync(new URL('../docs', import.meta.url), { recursive: true });
writeFileSync(new URL('../docs/checks.md', import.meta.url), checksMarkdown(allChecks));
console.log(`docs/checks.md: ${allChecks.length} checks`);
