/**
 * Rules on text a person types that is later sent on the wire: keys and header values (HTTP
 * headers), model ids (request bodies, Azure paths). Each returns what is wrong in words a person
 * can act on, or undefined when the value is fine.
 *
 * Pure and import-free on purpose (keep it so): the protocol's schemas (shared/protocol/fields.ts),
 * the daemon (for values that arrive from elsewhere, e.g. a key in an environment variable), the CLI
 * and the connection manager's page (a browser bundle, which must not pull in zod or any Node
 * module) all use these same functions.
 */

/** How a character is shown in a message: itself and its code point, e.g. `"к" (U+043A)`. */
function showChar(char: string): string {
  const code = char.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code === 0x09) return `a tab (${hex})`;
  if (code === 0x0a || code === 0x0d) return `a line break (${hex})`;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `a control character (${hex})` : `"${char}" (${hex})`;
}

/** A header value with nothing {@link headerValueProblem} would name: tab, printable ASCII, Latin-1. */
const HEADER_VALUE_OK = /^[\t\x20-\x7e\xa0-\xff]*$/;
/** A model id with nothing {@link modelIdProblem} would name: no control character, no whitespace. */
const MODEL_ID_OK = /^[^\s\x00-\x1f\x7f-\x9f]*$/u;

/**
 * Why `value` cannot be an HTTP header value, or undefined. HTTP carries header values as bytes:
 * visible ASCII, spaces and tabs, and Latin-1 (U+00A0–U+00FF); anything else ("✓", Cyrillic, emoji)
 * makes every request fail before it leaves, and line breaks or other control characters would
 * split or corrupt the header.
 */
export function headerValueProblem(value: string): string | undefined {
  // Checked on every request (the key, each header): one test for the usual value, the walk only to name a problem.
  if (HEADER_VALUE_OK.test(value)) return undefined;
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code === 0x09 || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff)) continue;
    if (code === 0x0a || code === 0x0d) return 'must not contain line breaks';
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f))
      return `must not contain control characters (found ${showChar(char)})`;
    return `contains ${showChar(char)}, which an HTTP header cannot carry: use only ASCII and Latin-1 characters (check for a mistyped or pasted character)`;
  }
  return undefined;
}

/**
 * Why `key` cannot be an API key, or undefined. A key is sent in a header (see
 * {@link headerValueProblem}) and is one token: a space or line break in it is a paste gone wrong.
 */
export function apiKeyProblem(key: string): string | undefined {
  if (/\s/.test(key)) return 'must not contain spaces or line breaks (check for a stray newline when pasting)';
  return headerValueProblem(key);
}

/**
 * Why `model` cannot be a model id, or undefined. No provider's model id holds whitespace or
 * control characters: a tab or newline in one is a typo, and sent on it would fail upstream with a
 * confusing "model not found" (or worse, be taken as a different model).
 */
export function modelIdProblem(model: string): string | undefined {
  if (MODEL_ID_OK.test(model)) return undefined;
  for (const char of model) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f))
      return `must not contain tabs, line breaks or other control characters (found ${showChar(char)})`;
    if (/\s/u.test(char)) return `must not contain spaces or other whitespace (found ${showChar(char)})`;
  }
  return undefined;
}
