/**
 * Rules for a connection's fallback chain, checked whenever it is saved: every fallback is another
 * existing connection, named once, and `fallbackModels` only maps connections that are fallbacks.
 * Deleting a connection takes it out of every chain, so a chain never names a connection that is gone.
 */
import type { StoredConnection } from '../store/schema';
import { validationError } from './errors';

/** Throws VALIDATION (field `fallbacks` or `fallbackModels`) when `record`'s chain breaks a rule. */
export function checkFallbacks(record: StoredConnection, connections: readonly StoredConnection[]): void {
  const seen = new Set<string>();
  for (const id of record.fallbacks ?? []) {
    const target = connections.find((c) => c.id === id);
    if (id === record.id) {
      throw validationError(
        'fallbacks',
        `connection "${record.name}" cannot be its own fallback.`,
        'Remove its own id from fallbacks and name other connections (connections/list shows their ids).',
      );
    }
    if (!target) {
      throw validationError(
        'fallbacks',
        `no connection has the id "${id}".`,
        'Name existing connections by id (connections/list shows them), or create that connection first.',
      );
    }
    if (seen.has(id)) {
      throw validationError(
        'fallbacks',
        `"${target.name}" is listed twice.`,
        'Name each fallback once; their order is the order they are tried in.',
      );
    }
    seen.add(id);
  }
  for (const id of Object.keys(record.fallbackModels ?? {})) {
    if (!seen.has(id)) {
      const name = connections.find((c) => c.id === id)?.name;
      throw validationError(
        'fallbackModels',
        `${name ? `"${name}"` : `"${id}"`} is not one of the connection's fallbacks.`,
        'Add that connection to fallbacks too, or remove its entry from fallbackModels.',
      );
    }
  }
}

/** Drops `fallbackModels` entries of connections no longer in `fallbacks`; returns whether any went. */
export function pruneFallbackModels(record: StoredConnection): boolean {
  if (!record.fallbackModels) return false;
  const keep = new Set(record.fallbacks ?? []);
  const entries = Object.entries(record.fallbackModels).filter(([id]) => keep.has(id));
  if (entries.length === Object.keys(record.fallbackModels).length) return false;
  if (entries.length === 0) delete record.fallbackModels;
  else record.fallbackModels = copyRecord(Object.fromEntries(entries));
  return true;
}

/** Takes `removedId` out of `record`'s chain; returns whether the chain changed. */
export function dropFallback(record: StoredConnection, removedId: string): boolean {
  if (!record.fallbacks?.includes(removedId)) return pruneFallbackModels(record);
  const rest = record.fallbacks.filter((id) => id !== removedId);
  if (rest.length === 0) delete record.fallbacks;
  else record.fallbacks = rest;
  pruneFallbackModels(record);
  return true;
}

/** Copies a user-keyed record into a prototype-free object, so no key can reach Object.prototype. */
export function copyRecord(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values))
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}
