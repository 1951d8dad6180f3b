import type { ErrorCode, YAMLError } from 'yaml';
import type * as z from 'zod';
import { formatPath } from './path.js';

/**
 * Messages for broken input that never quote it. Parser and validator messages often do (`Block scalar header
 * includes extra characters: |hunter2`, `Could not resolve tag: !e!…`), and a broken line may be a Secret's value:
 * input errors say what is wrong and where, from the error's code, never what the text was.
 */

const YAML_MESSAGES: Readonly<Record<Exclude<ErrorCode, 'RESOURCE_EXHAUSTION'>, string>> = {
  ALIAS_PROPS: 'an alias (*name) cannot have an anchor or tag',
  BAD_ALIAS: 'an alias (*name) that cannot be used here',
  BAD_COLLECTION_TYPE: 'a collection of the wrong kind for its tag',
  BAD_DIRECTIVE: 'an invalid % directive',
  BAD_DQ_ESCAPE: 'an invalid \\ escape in a double-quoted string',
  BAD_INDENT: 'bad indentation, or an unclosed { or [',
  BAD_PROP_ORDER: 'an anchor or tag in the wrong place',
  BAD_SCALAR_START: 'a plain value starts with a reserved character: quote it',
  BLOCK_AS_IMPLICIT_KEY: 'a block collection used as a mapping key',
  BLOCK_IN_FLOW: 'block syntax inside a flow collection ({…} or […])',
  DUPLICATE_KEY: 'map keys must be unique',
  IMPOSSIBLE: 'unparseable YAML',
  KEY_OVER_1024_CHARS: 'a mapping key longer than 1024 characters',
  MISSING_CHAR: 'something is missing: a closing quote or bracket, a separator (, or :) or a space',
  MULTILINE_IMPLICIT_KEY: 'a mapping key spans several lines',
  MULTIPLE_ANCHORS: 'a node with more than one anchor',
  MULTIPLE_DOCS: 'more than one document where one was expected',
  MULTIPLE_TAGS: 'a node with more than one tag',
  NON_STRING_KEY: 'a mapping key that is not a string',
  TAB_AS_INDENT: 'tabs are not allowed as indentation',
  TAG_RESOLVE_FAILED: 'an unknown tag (!…)',
  UNEXPECTED_TOKEN: 'unexpected characters: a value with YAML syntax in it needs quotes',
};

/** The reason a YAML parse failed, from its code alone; `invalid YAML` for a code this table does not know. */
export function yamlErrorMessage({ code }: Pick<YAMLError, 'code'>): string {
  if (code === 'RESOURCE_EXHAUSTION') return 'nesting too deep to parse; not a Kubernetes object';
  return Object.hasOwn(YAML_MESSAGES, code) ? `invalid YAML: ${YAML_MESSAGES[code]}` : 'invalid YAML';
}

/**
 * A zod error map (`schema.safeParse(value, { error: issueMessage })`) built from the issue's code and the
 * schema's expectations only. zod's own messages may quote what they received; messages a schema sets itself
 * (`.refine(…, 'must be a date')`) still win, and are ours.
 */
export function issueMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}, got ${kindOf(issue.input)}`;
    case 'invalid_value':
      return `must be ${issue.values.length > 1 ? 'one of ' : ''}${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
      return issue.origin === 'string' && Number(issue.minimum) === 1
        ? 'must not be empty'
        : `too small: at least ${issue.minimum}`;
    case 'too_big':
      return `too big: at most ${issue.maximum}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => formatPath([key])).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'regex' ? 'does not match the expected pattern' : `not a valid ${issue.format}`;
    case 'invalid_union':
      return 'matches none of the accepted forms';
    default:
      return 'invalid value';
  }
}

/** What kind of value was there, never the value. */
function kindOf(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  return Array.isArray(input) ? 'a list' : typeof input === 'object' ? 'a mapping' : `a ${typeof input}`;
}
