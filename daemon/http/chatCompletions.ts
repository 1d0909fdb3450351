/**
 * `POST /v1/chat/completions`, OpenAI's chat completions API, on every connection:
 * - to an OpenAI-format connection (OpenAI, Azure, every compatible server) the client's body is
 *   forwarded as sent, only `model` replaced, and the answer's bytes relayed (daemon/forward/);
 * - to an Anthropic connection the request is translated and the answer encoded back into chat
 *   completion chunks.
 * A fallback to a connection of the other kind switches path: the attempt is picked per connection.
 * A Gemini connection gets the forwarded body with the members Gemini would refuse rewritten (tool
 * schemas, `reasoning_effort: "xhigh"`; geminiDialect.ts), every other byte as sent.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attempt } from '../chat/chatService';
import type { Caller } from '../tokens/caller';
import { forwardAttempt, wireOf, type ForwardSpec } from '../forward/forwarder';
import { fromOpenAIRequest, OpenAIStreamEncoder, toOpenAICompletion } from '../translate';
import { geminiForwardMembers } from '../translate/geminiDialect';
import {
  checkMessages,
  num,
  serveChat,
  type ChatSurfaceDeps,
  type ClientBody,
  type SurfaceErrors,
} from './chatSurface';
import { openaiErrorBody, sendOpenAIError, statusOf } from './openaiErrors';
import { translatedAttempt } from './translatedAnswer';

const openaiErrors: SurfaceErrors = {
  send: (res, error, status) => sendOpenAIError(res, error, status),
  streamEvent: (error) =>
    `data: ${JSON.stringify(openaiErrorBody(`${error.message} ${error.data.hint}`, statusOf(error) >= 500 ? statusOf(error) : 502, error.code.toLowerCase()))}\n\n`,
};

export function chatCompletions(
  deps: ChatSurfaceDeps,
  req: IncomingMessage,
  res: ServerResponse,
  caller: Caller,
): Promise<void> {
  let forward: ForwardSpec | undefined;
  return serveChat(deps, req, res, caller, {
    errors: openaiErrors,
    check: checkMessages,
    maxTokens: (body) => num(body['max_completion_tokens']) ?? num(body['max_tokens']),
    attemptFor: (body, prepared) => {
      if (wireOf(prepared.conn) !== 'openai') return translatedChat(deps, body, res);
      forward ??= forwardSpec(body, req, res);
      return forwardAttempt(prepared.conn.provider.dialect === 'gemini' ? forGemini(forward, body) : forward);
    },
  });
}

/** The spec with the members Gemini refuses as sent rewritten (only those; the rest stays the client's bytes). */
function forGemini(spec: ForwardSpec, body: ClientBody): ForwardSpec {
  const members = geminiForwardMembers(body.value);
  return members ? { ...spec, extraMembers: { ...spec.extraMembers, ...members } } : spec;
}

/**
 * The body goes as sent; a stream whose client did not ask for usage gets
 * `stream_options.include_usage` (so usage is recorded on every path) and the chunk it adds is
 * cut out of the relay.
 */
function forwardSpec(body: ClientBody, req: IncomingMessage, res: ServerResponse): ForwardSpec {
  const options = body.value['stream_options'];
  const optionsObject =
    options !== null && typeof options === 'object' && !Array.isArray(options)
      ? (options as Record<string, unknown>)
      : undefined;
  const addUsage = body.value['stream'] === true && optionsObject?.['include_usage'] !== true;
  return {
    endpoint: 'chat/completions',
    body: body.bytes,
    ...(addUsage && { extraMembers: { stream_options: JSON.stringify({ ...optionsObject, include_usage: true }) } }),
    hideUsageChunk: addUsage,
    clientHeaders: req.headers,
    res,
  };
}

/** The translated path: the chat completions body in the neutral model, answered in chat completion chunks (or one completion). */
function translatedChat(deps: ChatSurfaceDeps, body: ClientBody, res: ServerResponse): Attempt<unknown> {
  return translatedAttempt(
    deps.chat,
    () => fromOpenAIRequest(body.value),
    res,
    (request) => {
      const who = { id: completionId(), model: request.model, created: Math.floor(Date.now() / 1000) };
      const encoder = new OpenAIStreamEncoder(who);
      return {
        whole: (answer) => toOpenAICompletion(answer, who),
        start: () => encoder.start(),
        delta: (d) => encoder.delta(d),
        end: (value, usage) => encoder.end(value.finishReason, usage, request.includeUsage === true),
      };
    },
  );
}

/** Unique per daemon run and per request: a random prefix drawn once, then a counter. */
const ID_PREFIX = `chatcmpl-sb${randomBytes(6).toString('base64url')}`;
let idCounter = 0;

function completionId(): string {
  return `${ID_PREFIX}${(++idCounter).toString(36)}`;
}
