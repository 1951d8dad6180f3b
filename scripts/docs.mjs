#!/usr/bin/env node
// Regenerates docs/checks.md and docs/detections.md from the metadata (run `npm run docs`, which builds first).
import { mkdirSync, writeFileSync } from 'node:fs';
import { allChecks } from '../dist/checks/index.js';
import { allDetections } from '../dist/detections/index.js';
import { checksMarkdown } from '../dist/docs/checks.js';
import { detectionsMarkdown } from '../dist/docs/detections.js';

mkdirSync(new URL('../docs', import.meta.url), { recursive: true });
writeFileSync(new URL('../docs/checks.md', import.meta.url), checksMarkdown(allChecks));
console.log(`docs/checks.md: ${allChecks.length} checks`);
writeFileSync(new URL('../docs/detections.md', import.meta.url), detectionsMarkdown(allDetections));
console.log(`docs/detections.md: ${allDetections.length} detections`);
