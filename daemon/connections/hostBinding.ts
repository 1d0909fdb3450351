/**
 * A stored key is bound to its connection's host, as a password manager binds a password to its
 * site: re-pointing a connection at another origin (scheme, host and port) must not carry the key
 * (or secret header values) there, or one changed base URL exfiltrates the key. The service drops
 * them unless the same request supplies new ones.
 */

/** `https://api.openai.com` for `https://API.openai.com:443/v1`; the text itself when it is no URL. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The old and new origin when `next` points somewhere else than `current`; undefined when it stays. */
export function hostMove(current: string, next: string | undefined): { from: string; to: string } | undefined {
  if (next === undefined) return undefined;
  const from = originOf(current);
  const to = originOf(next);
  return from === to ? undefined : { from, to };
}
