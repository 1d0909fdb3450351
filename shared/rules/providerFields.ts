/**
 * Rules on the fields of a user-defined provider that a person types: its id and the header its key
 * is sent in. One statement of each rule, for the protocol's schema (shared/protocol/providers.ts),
 * the CLI (`switchboard providers add|edit`) and the connection manager's "Custom provider…" form,
 * which checks a field before a round trip with the same words the daemon would use.
 *
 * Pure and import-free apart from the other rule modules (keep it so): the page is a browser bundle.
 */
import { HEADER_NAME_PATTERN } from './connectionFields';

/** What a provider id may hold: it names the provider in commands, files and connection settings. */
export const PROVIDER_ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
export const PROVIDER_ID_PROBLEM = 'must be lowercase letters, digits, dot, dash or underscore';

/** The longest auth prefix (`Token`, `Bearer`, `Api-Key`…: a scheme word, not a sentence). */
export const MAX_AUTH_PREFIX = 40;

/** Headers that frame the request: the key can never travel in one of them. */
const FRAMING_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'content-type',
  'connection',
  'transfer-encoding',
  'accept',
  'accept-encoding',
  'user-agent',
]);

/** Why `id` cannot be a user provider's id, or undefined. */
export function providerIdProblem(id: string): string | undefined {
  if (id === '') return 'must not be empty';
  if (id.length > 64) return 'must be at most 64 characters';
  return PROVIDER_ID_PATTERN.test(id) ? undefined : PROVIDER_ID_PROBLEM;
}

/**
 * Why `name` cannot be the header a provider's key is sent in, or undefined. Unlike a connection's
 * extra headers, `Authorization`, `api-key` and `x-api-key` are allowed: carrying the key is this
 * header's whole purpose.
 */
export function authHeaderNameProblem(name: string): string | undefined {
  if (!HEADER_NAME_PATTERN.test(name))
    return `"${name.slice(0, 40)}" is not a valid header name (letters, digits and - only, e.g. api-key or Authorization)`;
  if (FRAMING_HEADERS.has(name.toLowerCase()))
    return `"${name}" frames the request and cannot carry a key: use the header your server's documentation names, e.g. api-key`;
  return undefined;
}

/**
 * Why `prefix` cannot be the text sent before the key (`Token` in `Authorization: Token <key>`), or
 * undefined. It is one word: a space separates it from the key.
 */
export function authPrefixProblem(prefix: string): string | undefined {
  if (prefix.length > MAX_AUTH_PREFIX) return `must be at most ${MAX_AUTH_PREFIX} characters`;
  if (/\s/.test(prefix))
    return 'must be one word without spaces, e.g. Token or Bearer (a space is put between it and the key)';
  if (!/^[\x21-\x7e]*$/.test(prefix)) return 'must use only visible ASCII characters, e.g. Token or Bearer';
  return undefined;
}

/** The header value that carries `key`: `Token <key>` with a prefix, the key alone without. */
export function authHeaderValue(prefix: string | undefined, key: string): string {
  return prefix ? `${prefix} ${key}` : key;
}
