/**
 * Extra headers as a person edits them: one `Name: value` per line. Pure, so it is unit-tested and
 * shared by the form (parse on save) and the editor (format a saved connection's record).
 */

/** Headers Switchboard sets itself; mirrors the daemon's list so the form can say so before saving. */
const RESERVED = new Set(['authorization', 'x-api-key', 'api-key', 'host', 'content-length', 'content-type', 'connection', 'transfer-encoding']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const MAX_HEADERS = 32;
/** The daemon refuses these keys anywhere in params (prototype pollution); say so here first. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export type HeadersParse = { ok: true; headers: Record<string, string> } | { ok: false; error: string };

/** Parses `Name: value` lines; blank lines and `#` comments are skipped. Errors name the line. */
export function parseHeaders(text: string): HeadersParse {
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `Line ${i + 1}`;
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, error: `${where}: write it as "Name: value".` };
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (!HEADER_NAME.test(name) || FORBIDDEN.has(name)) return { ok: false, error: `${where}: "${name.slice(0, 40)}" is not a valid header name (letters, digits and - only).` };
    if (RESERVED.has(name.toLowerCase())) return { ok: false, error: `${where}: "${name}" is set by Switchboard itself; put the key in the API key field.` };
    if (seen.has(name.toLowerCase())) return { ok: false, error: `${where}: "${name}" is given twice.` };
    if (value.length > 8192) return { ok: false, error: `${where}: the value must be at most 8192 characters.` };
    seen.add(name.toLowerCase());
    headers[name] = value;
  }
  if (seen.size > MAX_HEADERS) return { ok: false, error: `At most ${MAX_HEADERS} headers.` };
  return { ok: true, headers };
}

/** The text form of a header record, one `Name: value` per line, in the record's order. */
export function formatHeaders(headers: Record<string, string> | undefined): string {
  if (!headers) return '';
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

/** Model ids from a textarea: one per line or comma-separated, trimmed, deduplicated, in order. */
export function parseModelList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[\n,]/)) {
    const id = part.trim();
    if (id !== '' && !out.includes(id)) out.push(id);
  }
  return out;
}
