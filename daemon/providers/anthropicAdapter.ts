/**
 * The `anthropic` wire format (Messages API), through the official `@anthropic-ai/sdk`.
 *
 * Streams raw events (`POST /v1/messages` with `stream: true`) rather than `messages.stream()`: the
 * raw events are what we need (text deltas, usage, stop reason, and whether `message_stop` came at
 * all), and MessageStream would accumulate a whole Message we never use.
 */
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import type { Stream } from '@anthropic-ai/sdk/core/streaming';
import type { ErrorType } from '@anthropic-ai/sdk/resources/shared';
import type { MessageCreateParamsStreaming, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ModelInfo, StreamDelta } from '../../shared/protocol';
import { DEFAULT_MAX_TOKENS, forcedResponseTool, toAnthropicRequest } from '../translate/anthropicBody';
import { AnthropicStreamDecoder } from '../translate/anthropicStreamDecoder';
import type { ChatChunk, ChatRequest, ProviderAdapter, ResolvedConnection } from './adapter';
import { sdkKeyHeaders } from './customAuth';
import { cachedClient, NO_KEY, QUIET, sdkHeaders, upstreamFetchFor } from './clients';
import { sseReaderFor, type SseReader } from './transport/sseReader';
import { headWithinDeadline } from './headDeadline';
import { cancelledError, incompleteError, toSwitchboardError } from './upstreamErrors';
import { assertApiAnswer, parseRateLimits } from './transport/upstreamFetch';

/** Anthropic requires `max_tokens`; used when the request sets none. */
export { DEFAULT_MAX_TOKENS };

/**
 * API version 2026-10-21 (what @anthropic-ai/sdk@1 sends by default) rejects `temperature`, `top_p`
 * and `top_k` with a 400, even at their defaults, and the SDK dropped them from its types. A
 * request that sets one is therefore sent with the previous version, which still honours them and
 * streams the same events; every other request keeps the SDK's default.
 */
export const SAMPLING_API_VERSION = '2023-06-01';

type Body = MessageCreateParamsStreaming & { temperature?: number; top_p?: number };

function createClient(conn: ResolvedConnection): Anthropic {
  return new Anthropic({
    // A credential passed in code stops the SDK from reading ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN
    // or walking its profile/credentials-file chain.
    apiKey: conn.apiKey ?? NO_KEY,
    baseURL: conn.baseUrl,
    timeout: conn.timeoutMs,
    maxRetries: conn.maxRetries,
    fetch: upstreamFetchFor(conn),
    // Tracing could export prompts to whatever OpenTelemetry exporter the process has registered.
    openTelemetry: false,
    ...QUIET,
    defaultHeaders: {
      ...sdkHeaders(conn, 'ANTHROPIC_CUSTOM_HEADERS', ['authorization', 'x-api-key']),
      // @anthropic-ai/sdk@1 sends `apiKey` as `Authorization: Bearer`; `x-api-key` is the header the
      // Messages API documents and every Anthropic-compatible server accepts, so send the key there.
      ...(conn.apiKey ? { 'x-api-key': conn.apiKey, authorization: null } : {}),
      // …unless the provider names its own key header: then there, and in neither of those.
      ...sdkKeyHeaders(conn, ['authorization', 'x-api-key']),
    },
  });
}

const clientFor = (conn: ResolvedConnection) => cachedClient('anthropic', conn, createClient);

/** The streamed Messages body for a neutral request (daemon/translate/anthropicBody.ts). */
export function messagesBody(req: ChatRequest): Body {
  return toAnthropicRequest(req, true) as unknown as Body;
}

export const anthropicAdapter: ProviderAdapter = {
  async listModels(conn, signal) {
    const startedAt = performance.now();
    try {
      const out: ModelInfo[] = [];
      // The list is paginated (20 per page by default); the iterator follows `after_id`.
      const { data: page, response } = await clientFor(conn).models.list({ limit: 1000 }, { signal }).withResponse();
      assertApiAnswer(response);
      for await (const m of page) {
        const info: ModelInfo = { id: m.id };
        if (m.display_name) info.displayName = m.display_name;
        if (m.created_at) info.created = new Date(m.created_at).toISOString();
        out.push(info);
      }
      return out;
    } catch (error) {
      throw toSwitchboardError(error, { conn, phase: 'models', signal, startedAt });
    }
  },

  async *stream(conn, req, signal): AsyncGenerator<ChatChunk> {
    let text = '';
    let started = false;
    let reader: SseReader | undefined;
    let clean = false;
    const startedAt = performance.now();
    const ctx = () => ({
      conn,
      model: req.model,
      phase: 'chat' as const,
      signal,
      partialText: text,
      started,
      startedAt,
    });
    try {
      const body = messagesBody(req);
      const sampling = body.temperature !== undefined || body.top_p !== undefined;
      // `client.post` rather than `messages.create`: create() console.warn()s on every request for
      // a deprecated model, past `logLevel: 'off'`, a synchronous stderr write on the hot path.
      // The SDK sends (and retries) the request; a successful body is read here off the raw
      // socket stream (nodeFetch.ts, sseReader.ts), not through the SDK's web-stream decoder.
      // Retried in headWithinDeadline, under one deadline for every attempt together (not the SDK's per-attempt timeout).
      const client = clientFor(conn);
      const send = (timeout: number) =>
        client
          .post<Stream<RawMessageStreamEvent>>('/v1/messages', {
            body,
            stream: true,
            signal,
            timeout,
            maxRetries: 0,
            ...(sampling ? { headers: { 'anthropic-version': SAMPLING_API_VERSION } } : {}),
          })
          .asResponse();
      const response = await headWithinDeadline(conn, signal, send, ctx);
      started = true;
      reader = sseReaderFor(response, conn.timeoutMs);
      // A web page (a captive portal, a website at the base URL) is not a stream cut short.
      assertApiAnswer(response);
      const limits = parseRateLimits(response.headers);
      if (limits) yield { type: 'rateLimits', info: limits };

      const decoder = new AnthropicStreamDecoder(forcedResponseTool(req.options));
      while (!decoder.stopped) {
        const events = await reader.next();
        if (events === null) break;
        // The deltas of one read go out together (one hop through this generator per read).
        const deltas: StreamDelta[] = [];
        try {
          for (const sse of events) {
            // What the SDK's stream does: `ping` and unnamed events are skipped, `error` raises its APIError.
            if (sse.event === undefined || sse.event === 'ping') continue;
            if (sse.event === 'error') {
              const parsed = safeJson(sse.data) ?? sse.data;
              const type =
                typeof parsed === 'object' && parsed !== null
                  ? (parsed as { error?: { type?: ErrorType } }).error?.type
                  : undefined;
              throw new APIError(undefined, parsed, undefined, response.headers, type ?? null);
            }
            if (!sse.data) continue;
            const before = deltas.length;
            decoder.push(JSON.parse(sse.data), deltas);
            for (let i = before; i < deltas.length; i++) {
              const d = deltas[i]!;
              if (d.type === 'text') text += d.text;
            }
            if (decoder.stopped) break;
          }
        } catch (error) {
          if (deltas.length > 0) yield { type: 'deltas', deltas };
          throw error;
        }
        if (deltas.length > 0) yield { type: 'deltas', deltas };
      }
      const stopped = decoder.stopped;
      clean = stopped;
      if (signal.aborted) throw cancelledError(ctx());
      if (!stopped) throw incompleteError(ctx(), 'ended without message_stop');
      yield { type: 'usage', usage: decoder.usage ?? { inputTokens: 0, outputTokens: 0 } };
      yield {
        type: 'finish',
        reason: decoder.finishReason,
        ...(decoder.stopSequence !== undefined && { stopSequence: decoder.stopSequence }),
      };
    } catch (error) {
      clean = false;
      throw toSwitchboardError(error, ctx());
    } finally {
      reader?.close(clean);
    }
  },
};

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
