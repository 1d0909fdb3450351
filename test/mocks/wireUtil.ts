/**
 * Small helpers the wire modules share: SSE framing, provider-looking ids, timestamps.
 */
import { randomBytes } from 'node:crypto';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random base62 string, the alphabet both providers use for their ids. */
export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[bytes[i]! % 62];
  return out;
}

export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
}

/** An SSE frame with only a data line (OpenAI style), ended by the blank line. */
export function sseData(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

/** An SSE frame with an event name (Anthropic style), ended by the blank line. */
export function sseEvent(event: string, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** RFC 3339 to the second, as providers print reset times: `2025-01-01T00:00:00Z`. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Cloudflare's 502 page. Both providers sit behind Cloudflare, and a 502 there arrives as HTML,
 * not JSON: the default 502 keeps that so error mapping is tested against a non-JSON body.
 */
export const CLOUDFLARE_502_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n';

/** Rough, deterministic token estimate of a prompt (~4 characters per token). */
export function estimateTokens(...parts: unknown[]): number {
  let chars = 0;
  for (const p of parts) if (p !== undefined) chars += typeof p === 'string' ? p.length : JSON.stringify(p).length;
  return Math.max(1, Math.ceil(chars / 4));
}
