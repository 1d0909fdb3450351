/**
 * The `anthropic` wire format (Messages API). Models are listed through the official
 * `@anthropic-ai/sdk`; streamed chats are sent on node:http as the forwarding path sends its
 * requests (forward/sendWithRetries.ts), with the same URL, credentials and headers.
 *
 * Reads the raw events (`POST /v1/messages` with `stream: true`): text deltas, usage, stop reason,
 * and whether `message_stop` came at all; nothing accumulates a whole Message.
 */
import type { IncomingHttpHeaders } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { ModelInfo, StreamDelta } from '../../shared/protocol';
import { DEFAULT_MAX_TOKENS, forcedResponseTool, toAnthropicRequest } from '../translate/anthropicBody';
import { AnthropicStreamDecoder } from '../translate/anthropicStreamDecoder';
import type { ChatChunk, ChatRequest, ProviderAdapter, ResolvedConnection } from './adapter';
import { sdkKeyHeaders } from './customAuth';
import { cachedClient, NO_KEY, QUIET, sdkHeaders, upstreamFetchFor } from './clients';
import type { SseReader } from './transport/sseReader';
import { cancelledError, incompleteError, toSwitchboardError, upstreamReplyError } from './upstreamErrors';
import { assertApiAnswer } from './transport/upstreamFetch';
import { openEventStream } from '../forward/adapterRequest';
import { parseJson } from '../forward/parseJson';

/** Anthropic requires `max_tokens`; used when the request sets none. */
export { DEFAULT_MAX_TOKENS };

/**
 * API version 2026-10-21 (what @anthropic-ai/sdk@1 sends by default) rejects `temperature`, `top_p`
 * and `top_k` with a 400, even at their defaults, and the SDK dropped them from its types. A
 * request that sets one is therefore sent with the previous version, which still honours them and
 * streams the same events; every other request keeps the SDK's default.
 */
export const SAMPLING_API_VERSION = '2023-06-01';

/** The API version of every other request: what @anthropic-ai/sdk@1 sends (its models list still does). */
export const API_VERSION = '2026-10-21';

/** The version headers, as a client's would be passed on (upstreamTarget.ts). */
const API_HEADERS: IncomingHttpHeaders = Object.freeze({ 'anthropic-version': API_VERSION });
const SAMPLING_HEADERS: IncomingHttpHeaders = Object.freeze({ 'anthropic-version': SAMPLING_API_VERSION });

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
    let release: (() => void) | undefined;
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
      // Sent on node:http as the forwarding path sends, read as server-sent events (forward/adapterRequest.ts).
      const opened = await openEventStream(
        'anthropic',
        conn,
        'messages',
        req.model,
        sampling ? SAMPLING_HEADERS : API_HEADERS,
        body,
        signal,
        ctx(),
      );
      started = true;
      ({ reader, release } = opened);
      if (opened.rateLimits) yield { type: 'rateLimits', info: opened.rateLimits };

      const decoder = new AnthropicStreamDecoder(forcedResponseTool(req.options));
      while (!decoder.stopped) {
        const events = await opened.reader.next();
        if (events === null) break;
        // The deltas of one read go out together (one hop through this generator per read).
        const deltas: StreamDelta[] = [];
        try {
          for (const sse of events) {
            // What the SDK's stream does: `ping` and unnamed events are skipped, `error` is the provider's error.
            if (sse.event === undefined || sse.event === 'ping') continue;
            if (sse.event === 'error')
              throw upstreamReplyError(
                'anthropic',
                undefined,
                parseJson(sse.data) ?? sse.data,
                opened.webHeaders(),
                ctx(),
              );
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
      release?.();
    }
  },
};
