import { config } from 'zod';

/**
 * Zod compiles a parser for each object schema with `new Function` on its first parse: code that V8's code cache of
 * the bundle cannot hold, so every run compiled it again, and a scan of a few resources paid for every schema it
 * touched. Zod's own parsers are as fast on 10,000 resources (issue 24, measured by scripts/bench-scale.mjs).
 * Schemas read the setting when they are built: main.ts imports this module first.
 */
config({ jitless: true });
