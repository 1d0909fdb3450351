/**
 * Extra headers as a person edits them: one `Name: value` per line. Pure, so it is unit-tested and
 * shared by the form (parse on save) and the editor (format a saved connection's record).
 *
 * A saved header whose value is a credential is not in that text: the daemon keeps its value and
 * sends only a mask, so the form shows it as its own row (a password input, empty = keep).
 */
import { headerNameProblem } from '../../../shared/rules/connectionFields';
import { headerValueProblem } from '../../../shared/rules/inputRules';
import { isSecretHeader } from '../../../shared/rules/secretHeaders';

/**
 * Mirrors `SECRET_HEADER_MASK` (shared/protocol/fields.ts), which this page cannot import without
 * bundling the protocol's validation code; a test checks they are equal. Sent back as a header's
 * value, it keeps the value the daemon stores.
 */
export const SECRET_MASK = '••••••••';

/** A saved secret header in the form: its name, and a new value when the person typed one ('' keeps it). */
export interface SecretHeaderRow {
  name: string;
  value: string;
}

/**
 * The daemon's rule (shared/rules/secretHeaders.ts): a value the daemon will keep secret. Used to keep
 * such values out of the webview state VS Code writes to disk.
 */
export const looksSecret = isSecretHeader;

/**
 * The header text as the page may keep it in its state (which VS Code writes to disk): a line that
 * holds a credential is dropped, as a typed API key is — the person types it again after a reload.
 */
export function headersForState(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((line) => {
      const colon = line.indexOf(':');
      return colon <= 0 || !looksSecret(line.slice(0, colon).trim(), line.slice(colon + 1));
    })
    .join('\n');
}

/** A saved connection's headers, split into the plain ones (as text) and the secret ones (as rows). */
export function splitHeaders(
  headers: Record<string, string> | undefined,
  secretHeaders: readonly string[] | undefined,
): { text: string; secret: SecretHeaderRow[] } {
  const secret = new Set((secretHeaders ?? []).map((n) => n.toLowerCase()));
  const plain: Record<string, string> = {};
  const rows: SecretHeaderRow[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (secret.has(name.toLowerCase())) rows.push({ name, value: '' });
    else plain[name] = value;
  }
  return { text: formatHeaders(plain), secret: rows };
}

/** What is wrong with the secret rows, alone or beside the text's headers; undefined when nothing is. */
export function secretRowsProblem(rows: readonly SecretHeaderRow[], plain: Record<string, string>): string | undefined {
  const plainNames = new Set(Object.keys(plain).map((n) => n.toLowerCase()));
  if (plainNames.size + rows.length > MAX_HEADERS)
    return `At most ${MAX_HEADERS} headers, counting those stored securely.`;
  for (const row of rows) {
    if (plainNames.has(row.name.toLowerCase()))
      return `"${row.name}" is stored securely below: type its new value there, or remove it.`;
    if (row.value.length > 8192) return `The new value of "${row.name}" must be at most 8192 characters.`;
    const problem = headerValueProblem(row.value);
    if (problem) return `The new value of "${row.name}" ${problem}.`;
  }
  return undefined;
}

/** The headers to send: the text's, then each secret row with its new value, or the mask to keep it. */
export function mergeHeaders(plain: Record<string, string>, rows: readonly SecretHeaderRow[]): Record<string, string> {
  const out: Record<string, string> = { ...plain };
  for (const row of rows) out[row.name] = row.value === '' ? SECRET_MASK : row.value;
  return out;
}

const MAX_HEADERS = 32;

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
    // The daemon's own rules (shared/rules), so the form says here what saving would be refused for.
    const nameProblem = headerNameProblem(name);
    if (nameProblem) return { ok: false, error: `${where}: ${nameProblem}.` };
    if (seen.has(name.toLowerCase())) return { ok: false, error: `${where}: "${name}" is given twice.` };
    if (value.length > 8192) return { ok: false, error: `${where}: the value must be at most 8192 characters.` };
    const valueProblem = headerValueProblem(value);
    if (valueProblem) return { ok: false, error: `${where}: the value of "${name}" ${valueProblem}.` };
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
