/**
 * Shared fixtures of the provider adapter suites: connections pointing at the mock upstream, and
 * a stream collector that keeps what arrived before a failure.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { findBuiltIn } from '../../../daemon/catalog/builtInProviders';
import type {
  ChatChunk,
  ChatRequest,
  ProviderAdapter,
  RateLimitInfo,
  ResolvedConnection,
} from '../../../daemon/providers/registry';
import { textsOf } from '../../../daemon/providers/chunkText';
import { SwitchboardError } from '../../../shared/errors';
import { definedOnly, type Loose } from '../../../shared/definedOnly';
export { failure } from '../../helpers/failure';

export const GOOD_KEY = 'sk-good-0123456789abcdefghijklmnop';
/** A key the mock rejects (OpenAI's 401 body echoes it in full); not key-shaped, so only our explicit scrub can catch it. */
export const CANARY_KEY = 'CANARY.Zq7Wx3Vb9Nm2Lk5Jh8Gf4Ds1Aa6Pp0Oo';

let seq = 0;

export function makeConn(
  providerId: string,
  baseUrl: string,
  over: Partial<Loose<ResolvedConnection>> = {},
): ResolvedConnection {
  const provider = findBuiltIn(providerId);
  if (!provider) throw new Error(`no provider ${providerId}`);
  return definedOnly<Loose<ResolvedConnection>>({
    id: `conn-${++seq}`,
    name: `test ${seq}`,
    provider,
    baseUrl,
    apiKey: GOOD_KEY,
    timeoutMs: 2_000,
    maxRetries: 0,
    ...over,
  });
}

export interface Collected {
  chunks: ChatChunk[];
  text: string;
  error?: SwitchboardError;
}

/** Runs a stream to its end or its error; `onChunk` may abort along the way. */
export async function collect(
  adapter: ProviderAdapter,
  conn: ResolvedConnection,
  request: ChatRequest,
  signal: AbortSignal = new AbortController().signal,
  onChunk?: (c: ChatChunk, all: ChatChunk[]) => void,
): Promise<Collected> {
  const chunks: ChatChunk[] = [];
  try {
    for await (const c of adapter.stream(conn, request, signal)) {
      chunks.push(c);
      onChunk?.(c, chunks);
    }
    return { chunks, text: textOf(chunks) };
  } catch (error) {
    if (!(error instanceof SwitchboardError)) throw error;
    return { chunks, text: textOf(chunks), error };
  }
}

export function textOf(chunks: ChatChunk[]): string {
  return chunks.map((c) => textsOf(c).join('')).join('');
}

/** A loopback port nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every 8-character window of `key`: none may appear in anything we show. */
export function fragmentsOf(key: string, size = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i + size <= key.length; i++) out.push(key.slice(i, i + size));
  return out;
}

export function everything(error: SwitchboardError): string {
  return `${error.message}\n${JSON.stringify(error.toData())}`;
}

export const chat = (model: string, over: Partial<ChatRequest> = {}): ChatRequest => ({
  model,
  messages: [{ role: 'user', content: 'Hi' }],
  ...over,
});

/** The figures of a `rateLimits` chunk: a report is read when it is recorded (the chat service coalesces them). */
export function rateLimitInfoOf(chunk: ChatChunk | undefined): RateLimitInfo | undefined {
  if (chunk?.type !== 'rateLimits') return undefined;
  return typeof chunk.info === 'function' ? chunk.info() : chunk.info;
}
