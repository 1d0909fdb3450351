/**
 * Which custom header values are credentials, and how they are addressed in the vault. Pure.
 *
 * People put gateway and proxy credentials in a connection's extra headers (`Helicone-Auth: Bearer
 * sk-…`, `X-Portkey-Api-Key`, `Cf-Access-Client-Secret`). Such a value is kept in the encrypted vault,
 * `db.json` holds {@link SECRET_HEADER_MASK} in its place, and no response shows it. The rules err
 * on the side of secrecy: masking a harmless value costs a retype, leaking a key costs the key.
 */
import { SECRET_HEADER_MASK } from '../../shared/protocol';

/** A name that says "credential". */
const SECRET_NAME = /auth|key|token|secret|password|passwd|cookie|session|credential|signature/i;
/** A value that carries an auth scheme. */
const AUTH_SCHEME = /^(?:bearer|basic)\s/i;
/** One long token, the shape of most API keys and signed tokens. */
const LONG_TOKEN = /^[A-Za-z0-9_\-.=+/]{24,}$/;

/** Whether a header's value is a credential, from its name or the look of its value. */
export function isSecretHeader(name: string, value: string): boolean {
  if (SECRET_NAME.test(name)) return true;
  const v = value.trim();
  return AUTH_SCHEME.test(v) || v.startsWith('sk-') || LONG_TOKEN.test(v);
}

/** The vault id of a connection's secret header value. Header names are case-insensitive, so the id is lowercased. */
export function headerVaultId(connectionId: string, name: string): string {
  return `${headerVaultPrefix(connectionId)}${name.toLowerCase()}`;
}

/** What every vault id of a connection's header secrets starts with. */
export function headerVaultPrefix(connectionId: string): string {
  return `${connectionId}#header:`;
}

/** The record's headers as a response shows them: secret values masked, secret names listed. */
export function publicHeaders(headers: Record<string, string> | undefined, secretHeaders: readonly string[] | undefined): { headers?: Record<string, string>; secretHeaders?: string[] } {
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
