/**
 * PKCE (RFC 7636) with the S256 method: a random verifier kept by the client, and its SHA-256 as the
 * challenge sent to the provider. Whoever catches the code on its way back cannot exchange it without
 * the verifier, which never leaves this process. `state` ties the answer to the sign-in that asked
 * for it, so an address from another (or a forged) sign-in is refused.
 */
import { createHash, randomBytes } from 'node:crypto';

/** One sign-in's secrets: the verifier (never sent until the exchange), its challenge, and the state. */
export interface PkcePair {
  verifier: string;
  challenge: string;
  state: string;
}

/** The S256 challenge of a verifier: base64url (no padding) of its SHA-256. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A fresh verifier (32 random bytes, 43 base64url characters), its challenge and a state. */
export function newPkce(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256Challenge(verifier), state: randomBytes(16).toString('base64url') };
}
