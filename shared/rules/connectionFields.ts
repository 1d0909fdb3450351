/**
 * Rules on the fields of a connection that a person types: its name, the names of extra headers, and
 * the AWS settings of a Bedrock connection. One statement of each rule, here, for the protocol's
 * schemas (shared/protocol), the daemon and the connection manager's page, which checks a field
 * before a round trip with the same words the daemon would use.
 *
 * Pure and import-free apart from the other rule modules (keep it so): the page is a browser
 * bundle that must not pull in zod or any Node module.
 */
import { ID_SHAPED_NAME_PROBLEM, looksLikeConnectionId } from './connectionRef';

/** The longest connection name. */
export const MAX_CONNECTION_NAME = 100;

/**
 * Why `name` (trimmed) cannot be a connection's name, or undefined. `isNew` (a create or a rename)
 * adds the rule that a name must not look like an id; names stored before that rule stay usable.
 */
export function connectionNameProblem(name: string, isNew = true): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return 'must not be empty';
  if (trimmed.length > MAX_CONNECTION_NAME) return `must be at most ${MAX_CONNECTION_NAME} characters`;
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return 'must not contain control characters';
  if (isNew && looksLikeConnectionId(trimmed)) return ID_SHAPED_NAME_PROBLEM;
  return undefined;
}

/** An HTTP header name (RFC 9110 token), at most 128 characters. */
export const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;

/** Headers Switchboard sets itself, in lower case: a user header must not override auth or framing. */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'x-api-key',
  'api-key',
  'host',
  'content-length',
  'content-type',
  'connection',
  'transfer-encoding',
]);

/** Keys refused anywhere in params (prototype pollution), so never a header name either. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Why `name` cannot be an extra header's name, or undefined. The message starts with the name, quoted. */
export function headerNameProblem(name: string): string | undefined {
  if (!HEADER_NAME_PATTERN.test(name) || FORBIDDEN_KEYS.has(name))
    return `"${name.slice(0, 40)}" is not a valid header name (letters, digits and - only)`;
  if (RESERVED_HEADERS.has(name.toLowerCase()))
    return `"${name}" is set by Switchboard itself; put the key in the API key field`;
  return undefined;
}

/** An AWS region id such as `us-east-1`, `eu-central-1`, `us-gov-west-1`. */
export const AWS_REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
export const AWS_REGION_PROBLEM = 'must be an AWS region id such as us-east-1 or eu-central-1';

/** An IAM access key id: 16-128 capitals and digits, e.g. `AKIA…` (long-term) or `ASIA…` (temporary). */
export const AWS_ACCESS_KEY_ID_PATTERN = /^[A-Z0-9]{16,128}$/;
export const AWS_ACCESS_KEY_ID_PROBLEM =
  'must be an IAM access key id: 16-128 capitals and digits, such as AKIA… or ASIA…';

/** A profile name of `~/.aws/config`. */
export const AWS_PROFILE_PATTERN = /^[A-Za-z0-9_.@+=,-]{1,128}$/;
export const AWS_PROFILE_PROBLEM = 'must be a profile name from ~/.aws/config (letters, digits, _ . - @ + = ,)';
