/**
 * OpenAI's APIs besides chat completions, forwarded as bytes (daemon/forward/) to the connections
 * whose provider serves them (`Provider.apis` in the catalog), through the same routing, admission,
 * fallbacks, ledger and cancellation as every chat (chatSurface.ts):
 *
 * - `POST /v1/embeddings` — usage is the input tokens, priced where the catalog knows the model;
 * - `POST /v1/responses` — OpenAI's Responses API (what Codex speaks), streamed (`response.*`
 *   events, usage read from `response.completed`) or not.
 *
 * A connection whose provider has no such API (Anthropic has no embeddings; only a few serve the
 * Responses API) gets a 400 that names the connections that do.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { ProviderApi } from '../../shared/protocol';
import type { PreparedChat } from '../chat/chatService';
import type { ProviderCatalog } from '../connections/providerCatalog';
import { forwardAttempt, type AnswerReader, type ForwardSpec } from '../forward/forwarder';
import { finishOfResponse, responsesUsage, ResponsesStreamTap } from '../forward/responsesTap';
import { servesApi } from '../providers/catalog';
import { mayUseConnection, type Caller } from '../tokens/caller';
import { invalid, num, serveChat, type ChatSurfaceDeps, type ClientBody, type SurfaceErrors } from './chatSurface';
import { openaiErrorBody, sendOpenAIError, statusOf } from './openaiErrors';

export interface OpenAIApiDeps extends ChatSurfaceDeps {
  providers: ProviderCatalog;
}

/** OpenAI's error body before the answer; after it, a chat-style `data:` error (embeddings never stream). */
const openaiErrors: SurfaceErrors = {
  send: (res, error, status) => sendOpenAIError(res, error, status),
  streamEvent: (error) => `data: ${JSON.stringify(openaiErrorBody(`${error.message} ${error.data.hint}`, streamStatus(error), error.code.toLowerCase()))}\n\n`,
};

/** The Responses API ends a failed stream with an `error` event (the SDK hands it to the caller as one). */
const responsesErrors: SurfaceErrors = {
  send: openaiErrors.send,
  streamEvent: (error) => `event: error\ndata: ${JSON.stringify({ type: 'error', code: error.code.toLowerCase(), message: `${error.message} ${error.data.hint}`, param: null, sequence_number: 0 })}\n\n`,
};

const streamStatus = (error: SwitchboardError) => (statusOf(error) >= 500 ? statusOf(error) : 502);

const responsesReader: AnswerReader = {
  tap: (scrub) => new ResponsesStreamTap(scrub),
  usage: (answer) => responsesUsage((answer as { usage?: unknown } | undefined)?.usage),
  finish: finishOfResponse,
};

export function embeddings(deps: OpenAIApiDeps, req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
  return serveForwarded(deps, req, res, caller, 'embeddings', {
    errors: openaiErrors,
    check: (body) => (body['input'] === undefined ? invalid('input', 'is required: a string, a list of strings, or a list of token lists.') : undefined),
    // Embeddings produce no tokens, so admission reserves none for an answer.
    maxTokens: () => 0,
  });
}

export function responses(deps: OpenAIApiDeps, req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
  return serveForwarded(deps, req, res, caller, 'responses', {
    errors: responsesErrors,
    check: () => undefined,
    maxTokens: (body) => num(body['max_output_tokens']),
    reader: responsesReader,
  });
}

interface ApiSurface {
  errors: SurfaceErrors;
  check(body: Record<string, unknown>): SwitchboardError | undefined;
  maxTokens(body: Record<string, unknown>): number | undefined;
  reader?: AnswerReader;
}

function serveForwarded(deps: OpenAIApiDeps, req: IncomingMessage, res: ServerResponse, caller: Caller, api: ProviderApi, surface: ApiSurface): Promise<void> {
  let spec: ForwardSpec | undefined;
  const forwardSpec = (body: ClientBody): ForwardSpec => ({
    endpoint: api,
    body: body.text,
    hideUsageChunk: false,
    clientHeaders: req.headers,
    res,
    ...(surface.reader && { reader: surface.reader }),
  });
  return serveChat(deps, req, res, caller, {
    ...surface,
    attemptFor: (body, prepared) => {
      if (!servesApi(prepared.conn.provider, api)) throw notServed(deps, caller, api, prepared);
      return forwardAttempt((spec ??= forwardSpec(body)));
    },
  });
}

const API_NAMES: Record<ProviderApi, string> = { embeddings: 'embeddings (/v1/embeddings)', responses: "OpenAI's Responses API (/v1/responses)" };

/** The 400 for a connection without the API, naming the connections that have it (those the caller may use). */
function notServed(deps: OpenAIApiDeps, caller: Caller, api: ProviderApi, prepared: PreparedChat): SwitchboardError {
  const serving = deps.connections
    .list()
    .filter((c) => c.keyAvailable && c.id !== prepared.stored.id && mayUseConnection(caller, c.id))
    .filter((c) => {
      const provider = deps.providers.find(c.provider);
      return provider !== undefined && servesApi(provider, api);
    })
    .map((c) => c.name);
  const others = serving.length > 0 ? `Connections that do: ${serving.join(', ')}.` : 'None of your connections does.';
  const hint =
    serving.length > 0
      ? `Name one of them in \`model\`, e.g. "${serving[0]}/<model>" (or "${serving[0]}" for its default model).`
      : api === 'embeddings'
        ? 'Add a connection to a provider with embeddings (OpenAI, Azure OpenAI, Gemini, Mistral, OpenRouter, Together, Ollama…).'
        : 'Add an OpenAI, Azure OpenAI or OpenRouter connection, or send the conversation to /v1/chat/completions, which every connection serves.';
  return new SwitchboardError(ErrorCode.VALIDATION, `model: connection "${prepared.stored.name}" (${prepared.conn.provider.name}) does not serve ${API_NAMES[api]}. ${others}`, {
    hint,
    field: 'model',
    connectionId: prepared.stored.id,
  });
}
