/**
 * OpenAI's APIs besides chat completions, through the same routing, admission, fallbacks, ledger
 * and cancellation as every chat (chatSurface.ts):
 *
 * - `POST /v1/embeddings` — forwarded as bytes (daemon/forward/) to the connections whose provider
 *   serves embeddings (`Provider.apis` in the catalog); usage is the input tokens, priced where the
 *   catalog knows the model. Anthropic has none: a 400 names the connections that do.
 * - `POST /v1/responses` — OpenAI's Responses API (what Codex speaks), streamed (`response.*`
 *   events, usage read from `response.completed`) or not: forwarded to the providers that serve it,
 *   translated through the neutral model to every other connection (Anthropic, chat-only servers).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { ProviderApi } from '../../shared/protocol';
import { randomBytes } from 'node:crypto';
import type { Attempt, PreparedChat } from '../chat/chatService';
import type { ProviderCatalog } from '../catalog/providerCatalog';
import { forwardAttempt, type AnswerReader, type ForwardSpec } from '../forward/forwarder';
import { finishOfResponse, responsesUsage, ResponsesStreamTap } from '../forward/responsesTap';
import { servesApi } from '../catalog/builtInProviders';
import { mayUseConnection, type Caller } from '../tokens/caller';
import { invalid, num, serveChat, type ChatSurfaceDeps, type ClientBody, type SurfaceErrors } from './chatSurface';
import { openaiErrorBody, sendOpenAIError, statusOf } from './openaiErrors';
import { fromResponsesRequest, responsesEcho, ResponsesStreamEncoder, toResponsesObject } from '../translate';
import { translatedAttempt } from './translatedAnswer';

export interface OpenAIApiDeps extends ChatSurfaceDeps {
  providers: ProviderCatalog;
}

/** OpenAI's error body before the answer; after it, a chat-style `data:` error (embeddings never stream). */
const openaiErrors: SurfaceErrors = {
  send: (res, error, status) => sendOpenAIError(res, error, status),
  streamEvent: (error) =>
    `data: ${JSON.stringify(openaiErrorBody(`${error.message} ${error.data.hint}`, streamStatus(error), error.code.toLowerCase()))}\n\n`,
};

/** The Responses API ends a failed stream with an `error` event (the SDK hands it to the caller as one). */
const responsesErrors: SurfaceErrors = {
  send: openaiErrors.send,
  streamEvent: (error) =>
    `event: error\ndata: ${JSON.stringify({ type: 'error', code: error.code.toLowerCase(), message: `${error.message} ${error.data.hint}`, param: null, sequence_number: 0 })}\n\n`,
};

const streamStatus = (error: SwitchboardError) => (statusOf(error) >= 500 ? statusOf(error) : 502);

const responsesReader: AnswerReader = {
  tap: (scrub) => new ResponsesStreamTap(scrub),
  usage: (answer) => responsesUsage((answer as { usage?: unknown } | undefined)?.usage),
  finish: finishOfResponse,
};

export function embeddings(
  deps: OpenAIApiDeps,
  req: IncomingMessage,
  res: ServerResponse,
  caller: Caller,
): Promise<void> {
  return serveForwarded(deps, req, res, caller, 'embeddings', {
    errors: openaiErrors,
    check: (body) =>
      body['input'] === undefined
        ? invalid('input', 'is required: a string, a list of strings, or a list of token lists.')
        : undefined,
    // Embeddings produce no tokens, so admission reserves none for an answer.
    maxTokens: () => 0,
  });
}

/**
 * Forwarded to a connection whose provider serves the Responses API; to any other (Anthropic,
 * chat-completions-only servers) translated through the neutral model and answered as Responses
 * objects and events (daemon/translate/responses*.ts), so Codex works on every connection.
 */
export function responses(
  deps: OpenAIApiDeps,
  req: IncomingMessage,
  res: ServerResponse,
  caller: Caller,
): Promise<void> {
  return serveForwarded(deps, req, res, caller, 'responses', {
    errors: responsesErrors,
    check: () => undefined,
    maxTokens: (body) => num(body['max_output_tokens']),
    reader: responsesReader,
    translate: (body) => translatedResponses(deps, body, res),
  });
}

/** The translated path: the Responses body in the neutral model, answered as a `response` (or its events). */
function translatedResponses(deps: OpenAIApiDeps, body: ClientBody, res: ServerResponse): Attempt<unknown> {
  return translatedAttempt(
    deps.chat,
    () => fromResponsesRequest(body.value),
    res,
    (request) => {
      const who = {
        id: `resp_sb${randomBytes(12).toString('hex')}`,
        model: request.model,
        createdAt: Math.floor(Date.now() / 1000),
        echo: responsesEcho(body.value),
      };
      const encoder = new ResponsesStreamEncoder(who);
      return {
        whole: (answer) => toResponsesObject(answer, who),
        start: () => encoder.start(),
        delta: (d) => encoder.delta(d),
        end: (value, usage) => encoder.end(value.finishReason, usage),
      };
    },
  );
}

interface ApiSurface {
  errors: SurfaceErrors;
  check(body: Record<string, unknown>): SwitchboardError | undefined;
  maxTokens(body: Record<string, unknown>): number | undefined;
  reader?: AnswerReader;
  /** The attempt for a connection without the API, when the API can be translated; else such a connection gets a 400. */
  translate?(body: ClientBody): Attempt<unknown>;
}

function serveForwarded(
  deps: OpenAIApiDeps,
  req: IncomingMessage,
  res: ServerResponse,
  caller: Caller,
  api: ProviderApi,
  surface: ApiSurface,
): Promise<void> {
  let spec: ForwardSpec | undefined;
  const forwardSpec = (body: ClientBody): ForwardSpec => ({
    endpoint: api,
    body: body.bytes,
    hideUsageChunk: false,
    clientHeaders: req.headers,
    res,
    ...(surface.reader && { reader: surface.reader }),
  });
  return serveChat(deps, req, res, caller, {
    ...surface,
    attemptFor: (body, prepared) => {
      if (servesApi(prepared.conn.provider, api)) return forwardAttempt((spec ??= forwardSpec(body)));
      if (surface.translate) return surface.translate(body);
      throw notServed(deps, caller, api, prepared);
    },
  });
}

const API_NAMES: Record<ProviderApi, string> = {
  embeddings: 'embeddings (/v1/embeddings)',
  responses: "OpenAI's Responses API (/v1/responses)",
};

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
  return new SwitchboardError(
    ErrorCode.VALIDATION,
    `model: connection "${prepared.stored.name}" (${prepared.conn.provider.name}) does not serve ${API_NAMES[api]}. ${others}`,
    {
      hint,
      field: 'model',
      connectionId: prepared.stored.id,
    },
  );
}
