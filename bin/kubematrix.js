#!/usr/bin/env node
// `--version` alone answers from package.json, before the CLI and its dependencies load: start-up is what it costs.
const [only, ...rest] = process.argv.slice(2);
if ((only === '--version' || only === '-V') && rest.length === 0) {
  const { createRequire } = await import('node:module');
  process.stdout.write(`${createRequire(import.meta.url)('../package.json').version}\n`);
} else {
  await import('../dist/cli/bin.js');
}
