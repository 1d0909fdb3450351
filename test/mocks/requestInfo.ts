/**
 * What the mock reads out of a raw request: body, headers, the key and where it was, and the
 * sampling options tests check for option mapping.
 */
import type { IncomingMessage } from 'node:http';
import type { ChatParams, CustomAuth, RecordedRequest, WireFormat } from './types';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

export function parseJson(raw: string): any {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** node:http already lowercases names; repeated headers are joined as in HTTP. */
export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export type AuthHeader = Exclude<NonNullable<RecordedRequest['authHeader']>, 'custom'>;

/**
 * Where each dialect takes its key. Azure's `Authorization: Bearer` is for Entra tokens, not keys.
 * The Anthropic SDK in node_modules (1.12) sends its apiKey as `Authorization: Bearer`, older
 * ones and curl use `x-api-key`: both are accepted.
 */
const ACCEPTED_AUTH: Record<WireFormat, AuthHeader[]> = {
  openai: ['authorization'],
  azure: ['api-key'],
  anthropic: ['x-api-key', 'authorization'],
  gemini: ['authorization'],
  cohere: ['authorization'],
};

export interface FoundKey {
  key: string | undefined;
  header: AuthHeader | 'custom' | undefined;
  /** False when the key sits only in a header this dialect ignores (e.g. `x-api-key` sent to
   *  OpenAI): the real API then answers "no key", and the record still shows where it went. */
  accepted: boolean;
}

export function extractKey(h: Record<string, string>, format: WireFormat): FoundKey {
  const found: Record<AuthHeader, string | undefined> = {
    authorization: /^Bearer\s+(.+)$/i.exec(h['authorization'] ?? '')?.[1]?.trim() || undefined,
    'x-api-key': h['x-api-key'] || undefined,
    'api-key': h['api-key'] || undefined,
  };
  const accepted = ACCEPTED_AUTH[format];
  const header =
    accepted.find((n) => found[n]) ?? (['authorization', 'x-api-key', 'api-key'] as const).find((n) => found[n]);
  return { key: header && found[header], header, accepted: header !== undefined && accepted.includes(header) };
}

/**
 * The key of a gateway with its own header (`api-key: Token <key>`): accepted only from that header,
 * with the prefix; a key anywhere else (Bearer, x-api-key) is recorded as sent but not accepted.
 */
export function extractCustomKey(h: Record<string, string>, auth: CustomAuth): FoundKey {
  const raw = h[auth.header];
  if (raw !== undefined) {
    const want = auth.prefix ? `${auth.prefix} ` : '';
    const key = raw.startsWith(want) ? raw.slice(want.length).trim() : '';
    return key ? { key, header: 'custom', accepted: true } : { key: undefined, header: 'custom', accepted: false };
  }
  const elsewhere = extractKey(h, 'openai');
  return { key: elsewhere.key, header: elsewhere.header, accepted: false };
}

const PARAM_KEYS = [
  'model',
  'messages',
  'system',
  'temperature',
  'max_tokens',
  'max_completion_tokens',
  'top_p',
  'stop',
  'stop_sequences',
  'stream',
  'stream_options',
] as const;

export function pickParams(body: any): ChatParams {
  const out: Record<string, unknown> = {};
  if (body && typeof body === 'object') for (const k of PARAM_KEYS) if (body[k] !== undefined) out[k] = body[k];
  return out as ChatParams;
}
