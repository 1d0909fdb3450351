/**
 * The `openai` wire format: OpenAI itself, Azure OpenAI (deployments + api-version) and every
 * OpenAI-compatible server. Models are listed through the official `openai` SDK (its AzureOpenAI
 * client for Azure); streamed chats are sent on node:http as the forwarding path sends its
 * requests (forward/sendWithRetries.ts), to the same URL with the same credentials and headers.
 */
import type { IncomingHttpHeaders } from 'node:http';
import OpenAI, { AzureOpenAI } from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { ModelInfo, StreamDelta } from '../../shared/protocol';
import { finishFromOpenAI } from '../translate/finishReasons';
import { toOpenAIRequest } from '../translate/openaiBody';
import { OpenAIStreamDecoder } from '../translate/openaiStreamDecoder';
import type { ChatChunk, ChatRequest, ProviderAdapter, ResolvedConnection } from './adapter';
import { cachedClient, NO_KEY, QUIET, sdkHeaders, upstreamFetchFor } from './clients';
import { sdkKeyHeaders } from './customAuth';
import { listCohereModels } from './cohereModels';
import { scanChunk, type ChunkFacts } from './openaiChunk';
import type { SseReader } from './transport/sseReader';
import {
  cancelledError,
  incompleteError,
  toSwitchboardError,
  unwrapErrorList,
  upstreamReplyError,
} from './upstreamErrors';
import { assertApiAnswer } from './transport/upstreamFetch';
import { openEventStream } from '../forward/adapterRequest';
import { pathSegment } from './pathSegment';
import { AZURE_API_VERSION, azureBaseUrl } from './azure';

/**
 * Providers whose API wants `max_completion_tokens` (reasoning models reject `max_tokens` there);
 * every other OpenAI-compatible server only knows `max_tokens`.
 */
const MAX_COMPLETION_TOKENS_PROVIDERS = new Set(['openai', 'azure-openai']);

/** How a provider's chat completions name the output limit (see above); the forwarder adds a default under it. */
export function maxTokensFieldFor(providerId: string): 'max_completion_tokens' | 'max_tokens' {
  return MAX_COMPLETION_TOKENS_PROVIDERS.has(providerId) ? 'max_completion_tokens' : 'max_tokens';
}
function createClient(conn: ResolvedConnection): OpenAI {
  const common = {
    apiKey: conn.apiKey ?? NO_KEY,
    // Explicit nulls: otherwise the SDK reads OPENAI_ORG_ID / OPENAI_PROJECT_ID from the env and
    // sends them to whatever server this connection points at.
    organization: conn.organization ?? null,
    project: null,
    timeout: conn.timeoutMs,
    maxRetries: conn.maxRetries,
    fetch: upstreamFetchFor(conn),
    ...QUIET,
  };
  if (conn.provider.azure) {
    return new EncodedAzureOpenAI({
      ...common,
      // baseURL rather than `endpoint`: AzureOpenAI throws when OPENAI_BASE_URL is set and `endpoint` is given.
      baseURL: azureBaseUrl(conn.baseUrl),
      apiVersion: conn.apiVersion ?? AZURE_API_VERSION,
      defaultHeaders: sdkHeaders(conn, 'OPENAI_CUSTOM_HEADERS', ['api-key', 'authorization']),
    });
  }
  return new ListErrorsOpenAI({
    ...common,
    baseURL: conn.baseUrl,
    defaultHeaders: {
      ...sdkHeaders(conn, 'OPENAI_CUSTOM_HEADERS', ['authorization']),
      // A provider that names its own key header gets the key there, not as `Authorization: Bearer`.
      ...sdkKeyHeaders(conn, ['authorization']),
    },
  });
}

/**
 * The SDK reads an error reply's `error` member; Google's OpenAI-compatible endpoint (Gemini) wraps
 * its error in a list, which the SDK would turn into "400 status code (no body)". Unwrapped here so
 * Gemini's own message (a missing thought signature, a refused schema keyword) reaches the user.
 */
class ListErrorsOpenAI extends OpenAI {
  protected override makeStatusError(status: number, error: object, message: string | undefined, headers: Headers) {
    return super.makeStatusError(status, unwrapErrorList(error) as object, message, headers);
  }
}

/** Endpoints AzureOpenAI serves under `/deployments/{model}` (the SDK's own list). */
const DEPLOYMENT_PATHS = new Set([
  '/completions',
  '/chat/completions',
  '/embeddings',
  '/audio/transcriptions',
  '/audio/translations',
  '/audio/speech',
  '/images/generations',
  '/batches',
  '/images/edits',
]);

/**
 * AzureOpenAI with the deployment path-encoded. The SDK pastes the body's `model` into
 * `/deployments/${model}` as text: `../../x` would send the request, `api-key` included, to
 * `/x/chat/completions` of the same resource. Here the path is built first, with the model as one
 * encoded segment, so the SDK finds a path it no longer rewrites.
 */
class EncodedAzureOpenAI extends AzureOpenAI {
  override buildRequest(...[options, props]: Parameters<AzureOpenAI['buildRequest']>) {
    const model = (options.body as { model?: unknown } | undefined)?.model;
    if (
      options.method === 'post' &&
      typeof model === 'string' &&
      DEPLOYMENT_PATHS.has(options.path) &&
      !this.baseURL.includes('/deployments')
    ) {
      options = { ...options, path: `/deployments/${pathSegment(model, 'model')}${options.path}` };
    }
    return super.buildRequest(options, props);
  }
}

const clientFor = (conn: ResolvedConnection) => cachedClient('openai', conn, createClient);

/** A chat made for a JSON-RPC client has no client HTTP headers to pass on. */
const NO_CLIENT_HEADERS: IncomingHttpHeaders = Object.freeze({});

/** The streamed chat completions body for a neutral request (daemon/translate/openaiBody.ts). */
export function chatBody(conn: ResolvedConnection, req: ChatRequest): ChatCompletionCreateParamsStreaming {
  const maxTokensField = maxTokensFieldFor(conn.provider.id);
  const dialect = conn.provider.dialect;
  return toOpenAIRequest(req, {
    maxTokensField,
    stream: true,
    ...(dialect && { dialect }),
  }) as unknown as ChatCompletionCreateParamsStreaming;
}

export const openaiAdapter: ProviderAdapter = {
  async listModels(conn, signal) {
    const ctx = { conn, phase: 'models' as const, signal, startedAt: performance.now() };
    try {
      if (conn.provider.dialect === 'cohere') return await listCohereModels(clientFor(conn), conn.baseUrl, signal);
      const out: ModelInfo[] = [];
      const { data: page, response } = await clientFor(conn).models.list({ signal }).withResponse();
      assertApiAnswer(response);
      for await (const m of page) {
        const info: ModelInfo = { id: m.id };
        if (typeof m.owned_by === 'string' && m.owned_by) info.ownedBy = m.owned_by;
        // Epoch seconds: `created` (OpenAI), `created_at` (Azure); some compatible servers send 0 or nothing.
        const created = m.created ?? (m as { created_at?: unknown }).created_at;
        if (typeof created === 'number' && created > 0) info.created = new Date(created * 1000).toISOString();
        out.push(info);
      }
      return out;
    } catch (error) {
      throw toSwitchboardError(error, ctx);
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
      // Sent on node:http as the forwarding path sends, read as server-sent events (forward/adapterRequest.ts).
      const opened = await openEventStream(
        'openai',
        conn,
        'chat/completions',
        req.model,
        NO_CLIENT_HEADERS,
        chatBody(conn, req),
        signal,
        ctx(),
      );
      started = true;
      ({ reader, release } = opened);
      if (opened.rateLimits) yield { type: 'rateLimits', info: opened.rateLimits };

      let finish: string | undefined;
      const decoder = new OpenAIStreamDecoder();
      const facts: ChunkFacts = { content: undefined, finishReason: undefined };
      let done = false;
      while (!done) {
        const events = await opened.reader.next();
        if (events === null) break;
        // The deltas of one read go out together: a hop through this async generator per delta
        // costs more than the delta's parsing. An error event still comes after the deltas before it.
        const deltas: StreamDelta[] = [];
        try {
          for (const event of events) {
            const data = event.data;
            if (data.startsWith('[DONE]')) {
              done = true;
              break;
            }
            if (!data) continue;
            // The common text chunk is read by one native regex match (openaiChunk.ts); anything
            // else (tool calls, reasoning, usage, errors) is parsed and decoded.
            if (scanChunk(data, facts)) {
              const piece = facts.content;
              if (piece) {
                text += piece;
                deltas.push({ type: 'text', text: piece });
              }
              if (facts.finishReason) finish = facts.finishReason;
              continue;
            }
            const chunk = JSON.parse(data) as { error?: unknown };
            // An error event: the provider's error, status unknown, mapped as the forwarding path maps it.
            if (chunk.error) throw upstreamReplyError('openai', undefined, chunk, opened.webHeaders(), ctx());
            const before = deltas.length;
            decoder.push(chunk, deltas);
            for (let i = before; i < deltas.length; i++) {
              const d = deltas[i]!;
              if (d.type === 'text') text += d.text;
            }
            if (decoder.finishReason) finish = decoder.finishReason;
          }
        } catch (error) {
          if (deltas.length > 0) yield { type: 'deltas', deltas };
          throw error;
        }
        if (deltas.length > 0) yield { type: 'deltas', deltas };
      }
      clean = done;
      if (signal.aborted) throw cancelledError(ctx());
      // A body that ends without [DONE] is accepted once it carried a finish reason.
      if (finish === undefined) throw incompleteError(ctx());
      if (decoder.usage) yield { type: 'usage', usage: decoder.usage };
      yield { type: 'finish', reason: finishFromOpenAI(finish) };
    } catch (error) {
      clean = false;
      throw toSwitchboardError(error, ctx());
    } finally {
      reader?.close(clean);
      release?.();
    }
  },
};
