/**
 * Edits a JSON object's top-level members in its raw bytes, leaving every other byte as the client
 * sent it. Forwarding must not re-serialize a body: `JSON.parse` + `JSON.stringify` rounds integers
 * past 2^53 (a `seed`, an id in a vendor field), rewrites `1.0` as `1` and `\u00e9` as `é`, and
 * drops all but the last of duplicate keys — changes a provider may well notice.
 *
 * It works on the bytes, not on the text decoded from them: the body goes out as the slices of the
 * client's own buffer around the edits (a copy, no encoding), and keys are compared as bytes. For an
 * agent's 353 KB request (60 turns of code and tool results) that took 0.4-0.7 ms in a loop, where
 * splicing the text and encoding it again took 1.3-1.9 ms; a small body costs the same either way.
 * And bytes that are not valid UTF-8 reach the upstream as they came, not as U+FFFD.
 *
 * The scan walks only the top level: strings are skipped with `indexOf('"')` (checking escapes),
 * nested values by counting brackets outside strings. JSON's structure is ASCII, and no byte of a
 * multi-byte UTF-8 character is. A body the caller has already parsed with `JSON.parse` is valid
 * JSON, which is all this assumes.
 */
import { bytesAt, skipJsonSpace } from './rawBytes';

/** One top-level member: its key's bytes between the quotes, and its value's bytes `[start, end)`. */
interface Member {
  keyStart: number;
  keyEnd: number;
  /** The key as JSON reads it, when it is written with escapes (decoded once, then kept). */
  escapedKey?: string | undefined;
  escaped: boolean;
  start: number;
  end: number;
}

/** The top-level members of a JSON object, in order, and where its closing brace is. */
function scanTopLevel(b: Buffer): { members: Member[]; close: number } {
  const members: Member[] = [];
  let i = skipJsonSpace(b, 0);
  if (b[i] !== 123 /* { */) throw new Error('not a JSON object');
  i++;
  for (;;) {
    i = skipJsonSpace(b, i);
    const c = b[i];
    if (c === 125 /* } */) return { members, close: i };
    if (c === 44 /* , */) {
      i++;
      continue;
    }
    if (c !== 34 /* " */) throw new Error(`unexpected byte at ${i}`);
    const keyEnd = stringEnd(b, i);
    const escaped = hasBackslash(b, i + 1, keyEnd - 1);
    const keyStart = i + 1;
    i = skipJsonSpace(b, keyEnd);
    if (b[i] !== 58 /* : */) throw new Error(`expected ':' at ${i}`);
    const start = skipJsonSpace(b, i + 1);
    const end = valueEnd(b, start);
    members.push({ keyStart, keyEnd: keyEnd - 1, escaped, start, end });
    i = end;
  }
}

/** UTF-8 bytes of the member names looked for (the daemon's own: `model`, `stream_options`, defaults…). */
const nameBytes = new Map<string, Buffer>();

/**
 * Whether the member's key is `name`. Compared on the bytes, not decoded: a key without escapes is
 * its own UTF-8 text; only an escaped one is read as JSON reads it.
 */
function isNamed(b: Buffer, m: Member, name: string): boolean {
  if (m.escaped) {
    m.escapedKey ??= JSON.parse(b.toString('utf8', m.keyStart - 1, m.keyEnd + 1)) as string;
    return m.escapedKey === name;
  }
  let bytes = nameBytes.get(name);
  if (bytes === undefined) {
    bytes = Buffer.from(name);
    if (nameBytes.size < 256) nameBytes.set(name, bytes);
  }
  return m.keyEnd - m.keyStart === bytes.length && bytesAt(b, m.keyStart, bytes);
}

/** A backslash in `b[from, to)` (a key's bytes: short, so walked rather than searched natively to the body's end). */
function hasBackslash(b: Buffer, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (b[k] === 92) return true;
  return false;
}

/** The index just past the string that opens at `start` (a `"`). */
function stringEnd(b: Buffer, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = b.indexOf(34, i);
    if (quote === -1) throw new Error('unterminated string');
    // An odd run of backslashes before the quote escapes it.
    let backslashes = 0;
    for (let j = quote - 1; b[j] === 92; j--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** The index just past the value that starts at `start`. */
function valueEnd(b: Buffer, start: number): number {
  const c = b[start];
  if (c === 34) return stringEnd(b, start);
  if (c === 123 || c === 91) {
    let depth = 0;
    let i = start;
    for (;;) {
      const ch = b[i];
      if (ch === 34) {
        i = stringEnd(b, i);
        continue;
      }
      if (ch === 123 || ch === 91) depth++;
      else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === 0) return i + 1;
      } else if (ch === undefined) throw new Error('unterminated value');
      i++;
    }
  }
  // A number, true, false or null: up to the next delimiter.
  let i = start;
  for (;;) {
    const ch = b[i];
    if (ch === 44 || ch === 125 || ch === 93 || ch === 32 || ch === 10 || ch === 13 || ch === 9 || ch === undefined)
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
 * The JSON object with top-level members set: a member already there gets its value replaced
 * (every occurrence, should the key repeat), a new one is appended before the closing brace.
 * `values` are raw JSON texts (e.g. `JSON.stringify(model)`). `missing` members are appended only
 * where the body lacks them (defaults), in the same single scan.
 */
export function setMembers(
  body: Buffer,
  values: Record<string, string>,
  missing: readonly MissingMember[] = [],
): Buffer {
  const { members, close } = scanTopLevel(body);
  if (missing.length > 0) {
    const present = (name: string) => members.some((m) => isNamed(body, m, name));
    values = { ...values };
    for (const m of missing) {
      if (!Object.hasOwn(values, m.key) && !m.unless.some(present)) values[m.key] = m.value;
    }
  }
  const names = Object.keys(values);
  const edits: Array<{ start: number; end: number; value: string }> = [];
  const seen = new Set<string>();
  for (const m of members) {
    const name = names.find((n) => isNamed(body, m, n));
    if (name === undefined) continue;
    edits.push({ start: m.start, end: m.end, value: values[name]! });
    seen.add(name);
  }
  let appended = '';
  for (const [key, value] of Object.entries(values)) {
    if (!seen.has(key)) appended += `${members.length > 0 || appended ? ',' : ''}${JSON.stringify(key)}:${value}`;
  }
  if (appended) edits.push({ start: close, end: close, value: appended });
  const parts: Buffer[] = [];
  let at = 0;
  for (const edit of edits) {
    parts.push(body.subarray(at, edit.start), Buffer.from(edit.value));
    at = edit.end;
  }
  parts.push(body.subarray(at));
  return Buffer.concat(parts);
}
