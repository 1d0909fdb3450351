/**
 * Edits a JSON object's top-level members in its raw text, leaving every other byte as the client
 * sent it. Forwarding must not re-serialize a body: `JSON.parse` + `JSON.stringify` rounds integers
 * past 2^53 (a `seed`, an id in a vendor field), rewrites `1.0` as `1` and `\u00e9` as `é`, and
 * drops all but the last of duplicate keys — changes a provider may well notice.
 *
 * The scan walks only the top level: strings are skipped with `indexOf('"')` (checking escapes),
 * nested values by counting brackets outside strings. A body the caller has already parsed with
 * `JSON.parse` is valid JSON, which is all this assumes.
 */

/** Where one top-level member's value sits in the text: `[start, end)`. */
interface ValueSpan {
  key: string;
  start: number;
  end: number;
}

/** The top-level members of a JSON object text, in order, and where its closing brace is. */
function scanTopLevel(text: string): { members: ValueSpan[]; close: number } {
  const members: ValueSpan[] = [];
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 123 /* { */) throw new Error('not a JSON object');
  i++;
  for (;;) {
    i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === 125 /* } */) return { members, close: i };
    if (c === 44 /* , */) {
      i++;
      continue;
    }
    if (c !== 34 /* " */) throw new Error(`unexpected character at ${i}`);
    const keyEnd = stringEnd(text, i);
    // A key without escapes is its own text; only an escaped one needs decoding.
    const raw = text.slice(i + 1, keyEnd - 1);
    const key = raw.includes('\\') ? (JSON.parse(text.slice(i, keyEnd)) as string) : raw;
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== 58 /* : */) throw new Error(`expected ':' at ${i}`);
    const start = skipSpace(text, i + 1);
    const end = valueEnd(text, start);
    members.push({ key, start, end });
    i = end;
  }
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else return i;
  }
}

/** The index just past the string that opens at `start` (a `"`). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote === -1) throw new Error('unterminated string');
    // An odd run of backslashes before the quote escapes it.
    let backslashes = 0;
    for (let j = quote - 1; text.charCodeAt(j) === 92; j--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** The index just past the value that starts at `start`. */
function valueEnd(text: string, start: number): number {
  const c = text.charCodeAt(start);
  if (c === 34) return stringEnd(text, start);
  if (c === 123 || c === 91) {
    let depth = 0;
    let i = start;
    for (;;) {
      const ch = text.charCodeAt(i);
      if (ch === 34) {
        i = stringEnd(text, i);
        continue;
      }
      if (ch === 123 || ch === 91) depth++;
      else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === 0) return i + 1;
      } else if (Number.isNaN(ch)) throw new Error('unterminated value');
      i++;
    }
  }
  // A number, true, false or null: up to the next delimiter.
  let i = start;
  for (;;) {
    const ch = text.charCodeAt(i);
    if (ch === 44 || ch === 125 || ch === 93 || ch === 32 || ch === 10 || ch === 13 || ch === 9 || Number.isNaN(ch))
      return i;
    i++;
  }
}

/** A member added only when the object has none of the members named in `unless` (nor is it set by `values`). */
export interface MissingMember {
  key: string;
  /** Raw JSON text. */
  value: string;
  unless: readonly string[];
}

/**
 * The JSON object text with top-level members set: a member already there gets its value
 * replaced (every occurrence, should the key repeat), a new one is appended before the closing
 * brace. `values` are raw JSON texts (e.g. `JSON.stringify(model)`). `missing` members are
 * appended only where the text lacks them (defaults), in the same single scan.
 */
export function setMembers(
  text: string,
  values: Record<string, string>,
  missing: readonly MissingMember[] = [],
): string {
  const { members, close } = scanTopLevel(text);
  if (missing.length > 0) {
    const present = new Set(members.map((m) => m.key));
    values = { ...values };
    for (const m of missing) {
      if (!Object.hasOwn(values, m.key) && !m.unless.some((k) => present.has(k))) values[m.key] = m.value;
    }
  }
  const edits: Array<{ start: number; end: number; value: string }> = [];
  const seen = new Set<string>();
  for (const m of members) {
    const value = values[m.key];
    if (value === undefined || !Object.hasOwn(values, m.key)) continue;
    edits.push({ start: m.start, end: m.end, value });
    seen.add(m.key);
  }
  let appended = '';
  for (const [key, value] of Object.entries(values)) {
    if (!seen.has(key)) appended += `${members.length > 0 || appended ? ',' : ''}${JSON.stringify(key)}:${value}`;
  }
  if (appended) edits.push({ start: close, end: close, value: appended });
  let out = '';
  let at = 0;
  for (const edit of edits) {
    out += text.slice(at, edit.start) + edit.value;
    at = edit.end;
  }
  return out + text.slice(at);
}
