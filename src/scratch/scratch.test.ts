import { it } from 'vitest';
import { samplePaths } from '../../test/support/attack-paths.js';
import { renderPathsTable } from '../report/paths/table.js';

it('x', () => {
  process.stdout.write(renderPathsTable(samplePaths, { width: 100, color: false, all: false }));
});
