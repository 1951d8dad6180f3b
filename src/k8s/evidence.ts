import type { FieldPath } from '../inputs/path.js';
import { formatPath } from '../inputs/path.js';
import type { Resource } from '../inventory/index.js';
import type { Evidence } from '../model/report.js';

/** Evidence pointing at a field of another object of the input, with its file location or cluster address. */
export function evidenceAt(type: Evidence['type'], resource: Resource, path: FieldPath, text: string): Evidence {
  const location = resource.locate(path);
  return {
    type,
    resource: resource.ref,
    ...(location ? { location } : {}),
    ...(resource.uri ? { uri: resource.uri } : {}),
    path: formatPath(path),
    text,
  };
}
