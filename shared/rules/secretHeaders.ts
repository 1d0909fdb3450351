/**
 * Which custom header values are credentials: the one rule the daemon (what it keeps in the vault and
 * masks), the CLI (what it warns about) and the connection form agree on. Pure.
 *
 * People put gateway and proxy credentials in a connection's extra headers (`Helicone-Auth: Bearer
 * sk-…`, `X-Portkey-Api-Key`, `Cf-Access-Client-Secret`). The rule errs on the side of secrecy:
 * masking a harmless value costs a retype, leaking a key costs the key.
 */

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
