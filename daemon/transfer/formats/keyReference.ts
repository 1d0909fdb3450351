/**
 * How another tool's file names a key, read for import: only a reference to an environment variable
 * is kept (as `env:NAME`). A key written in the file itself is never read into Switchboard — the
 * connection is imported as "needs a key" and a note says so, without the key.
 */
import type { ExportedKey } from '../../../shared/protocol';

const PATTERNS: RegExp[] = [
  /^os\.environ\/([A-Za-z_][A-Za-z0-9_]*)$/, // LiteLLM
  /^\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/, // Continue config.yaml (local secrets come from .env files / the environment)
  /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/, // VS Code variable syntax
  /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/,
  /^\$([A-Za-z_][A-Za-z0-9_]*)$/,
];

/** The environment variable a value refers to, if it is a reference. */
export function envReference(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  for (const re of PATTERNS) {
    const m = re.exec(text);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * The exported key for a value found in a file: its variable when it is a reference; otherwise
 * "needs a key" (and `wroteKey` true when something — a key in plain text — was there), or `none`
 * when the provider needs none and nothing was given.
 */
export function keyFrom(value: unknown, requiresKey: boolean): { key: ExportedKey; wroteKey: boolean } {
  const variable = envReference(value);
  if (variable) return { key: { source: 'env', variable }, wroteKey: false };
  const wrote = typeof value === 'string' && value.trim() !== '';
  if (!requiresKey && !wrote) return { key: { source: 'none' }, wroteKey: false };
  return { key: { source: 'needsKey' }, wroteKey: wrote };
}
