#!/usr/bin/env node
// CommonJS (bin/package.json says so): an ES module entry would bring up Node's ESM loader, some 10 ms of each start.
// `--version` alone answers from package.json, before the CLI and its dependencies load: start-up is what it costs.
const [only, ...rest] = process.argv.slice(2);
if ((only === '--version' || only === '-V') && rest.length === 0) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  require('../dist/cli/bin.cjs');
}
