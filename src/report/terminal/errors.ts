import type { ScanError } from '../../model/report.js';
import type { Paint } from './paint.js';
import { printable } from './text.js';

/**
 * An input error as every command prints it: `file:line:column: message`. File names and messages may carry
 * input (a hostile file name, a resource name), so both are made printable.
 */
export function formatInputError(error: ScanError, paint?: Paint): string {
  const where = printable(error.line ? `${error.source}:${error.line}:${error.column ?? 1}` : error.source);
  return `${paint ? paint('red', where) : where}: ${printable(error.message)}`;
}
