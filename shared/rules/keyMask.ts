/** The only ways a key is ever shown — by the daemon, the CLI and the extension alike: a hint of its last four characters and a short fingerprint. */
import { createHash } from 'node:crypto';

/** `…abcd`: the last four characters (fewer for very short keys, never more than a third of it). */
export function keyHint(key: string): string {
  const shown = Math.min(4, Math.floor(key.length / 3));
  return shown > 0 ? `…${key.slice(-shown)}` : '…';
}

/** First 8 hex characters of the key's SHA-256: tells keys apart without revealing them. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 8);
}
