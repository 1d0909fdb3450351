/**
 * How secret header values are addressed in the vault and shown in responses. Pure. Which values are
 * secret is the shared rule in shared/rules/secretHeaders.ts: such a value is kept in the encrypted
 * vault, `db.json` holds {@link SECRET_HEADER_MASK} in its place, and no response shows it.
 */
import { SECRET_HEADER_MASK } from '../../shared/protocol';
import { isSecretHeader } from '../../shared/rules/secretHeaders';

/** The vault id of a connection's secret header value. Header names are case-insensitive, so the id is lowercased. */
export function headerVaultId(connectionId: string, name: string): string {
  return `${headerVaultPrefix(connectionId)}${name.toLowerCase()}`;
}

/** What every vault id of a connection's header secrets starts with. */
export function headerVaultPrefix(connectionId: string): string {
  return `${connectionId}#header:`;
}

/** The record's headers as a response shows them: secret values masked, secret names listed. */
export function publicHeaders(
  headers: Record<string, string> | undefined,
  secretHeaders: readonly string[] | undefined,
): { headers?: Record<string, string>; secretHeaders?: string[] } {
  if (headers === undefined) return {};
  const listed = lowerSet(secretHeaders);
  const shown: Record<string, string> = {};
  const secret: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    // A plaintext value the startup pass could not move yet is masked all the same.
    const isSecret = listed.has(name.toLowerCase()) || isSecretHeader(name, value);
    putHeader(shown, name, isSecret ? SECRET_HEADER_MASK : value);
    if (isSecret) secret.push(name);
  }
  return { headers: shown, ...(secret.length > 0 && { secretHeaders: secret }) };
}

/** Lowercased header names, for case-insensitive membership. */
export function lowerSet(names: readonly string[] | undefined): Set<string> {
  return new Set((names ?? []).map((n) => n.toLowerCase()));
}

/** Sets a header on a record without going through `__proto__` and friends (a hand-edited db.json may hold any name). */
export function putHeader(out: Record<string, string>, name: string, value: string): void {
  Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
}
