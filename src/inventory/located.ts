import { type FieldPath, formatPath } from '../inputs/path.js';
import type { ScanError } from '../model/report.js';
import type { Resource } from './index.js';

/** An input error at a field of a resource: `Kind name: field.path: message`, at the field's line when known. */
export function locatedError(resource: Resource, path: FieldPath, message: string): ScanError {
  const location = resource.locate(path);
  const what = `${resource.ref.kind} ${resource.ref.name || '(unnamed)'}`;
  return {
    source: location?.file ?? resource.file ?? what,
    ...(location ? { line: location.line, column: location.column } : {}),
    message: `${what}${path.length ? `: ${formatPath(path)}` : ''}: ${message}`,
  };
}
