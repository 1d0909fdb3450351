/** The CSP nonce of a webview page: fresh per page, from `crypto` (host side only; never bundled into a page). */
import { randomBytes } from 'node:crypto';

export function pageNonce(): string {
  return randomBytes(18).toString('base64');
}
