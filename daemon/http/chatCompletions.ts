/**
 * `POST /v1/chat/completions`, OpenAI's chat completions API, on every connection:
 * - to an OpenAI-format connection (OpenAI, Azure, every compatible server) the client's body is
 *   forwarded as sent, only `model` replaced, and the answer's bytes relayed (daemon/forward/);
 * - to an Anthropic connection the request is translated and the answer encoded back into chat
 *   completion chunks.
 * A fallback to a connection of the other kind switches path: the attempt is picked per connection.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attempt, PreparedChat } from '../chat/chatService';
import type { Caller } from '../tokens/caller';
import { forwardAttempt, wireOf, type ForwardSpec } from '../forward/forwarder';
import { ChatCompletionsBody, translate } from './chatCompletionsRequest';
import { checkMessages, invalid, num, serveChat, type ChatSurfaceDeps, type ClientBody, type SurfaceErrors } from './chatSurface';
import { FrameBatcher } from './frameBatcher';
import { openaiErrorBody, sendJson, sendOpenAIError, statusOf } from './openaiErrors';

const openaiErrors: SurfaceErrors = {
  send: (res, error, status) => sendOpenAIError(res, error, status),
  streamEvent: (error) => `data: ${JSON.stringify(openaiErrorBody(`${error.message} ${error.data.hint}`, statusOf(error) >= 500 ? statusOf(error) : 502, error.code.toLowerCase()))}\n\n`,
};

export function chatCompletions(deps: ChatSurfaceDeps, req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
  let forward: ForwardSpec | undefined;
  return serveChat(deps, req, res, caller, {
    errors: openaiErrors,
    check: checkMessages,
    maxTokens: (body) => num(body['max_completion_tokens']) ?? num(body['max_tokens']),
    attemptFor: (body, prepared) => (wireOf(prepared.conn) === 'openai' ? forwardAttempt((forward ??= forwardSpec(body, req, res))) : translatedAttempt(deps, body, prepared, res)),
  });
}

/**
 * The body goes as sent; a stream whose client did not ask for usage gets
 * `stream_options.include_usage` (so usage is recorded on every path) and the chunk it adds is
 * cut out of the relay.
 */
function forwardSpec(body: ClientBody, req: IncomingMessage, res: ServerResponse): ForwardSpec {
  const options = body.value['stream_options'];
  const optionsObject = options !== null && typeof options === 'object' && !Array.isArray(options) ? (options as Record<string, unknown>) : undefined;
  const addUsage = body.value['stream'] === true && optionsObject?.['include_usage'] !== true;
  return {
    endpoint: 'chat/completions',
    body: body.text,
    ...(addUsage && { extraMembers: { stream_options: JSON.stringify({ ...optionsObject, include_usage: true }) } }),
    hideUsageChunk: addUsage,
    clientHeaders: req.headers,
    res,
  };
}

/**
 * The translated path: the chat completions body in the daemon's neutral terms, streamed through
 * the connection's adapter, answered in chat completion chunks (or one completion).
 */
function translatedAttempt(deps: ChatSurfaceDeps, body: ClientBody, prepared: PreparedChat, res: ServerResponse): Attempt<unknown> {
  const parsed = ChatCompletionsBody.safeParse(body.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(issue.path.map(String).join('.') || 'body', `${issue.message} (translating for connection "${prepared.stored.name}", a ${prepared.conn.provider.name} connection)`);
  }
  const request = parsed.data;
  const { messages, options } = translate(request);
  const adapter = (sink: Parameters<typeof deps.chat.adapterAttempt>[0]) => deps.chat.adapterAttempt(sink);
  return async (attempt, progress, signal) => {
    const neutral: PreparedChat = { ...attempt, input: { ...attempt.input, messages, options } };
    if (!request.stream) {
      const result = await adapter({ text: () => undefined })(neutral, progress, signal);
      sendJson(res, 200, {
        id: completionId(),
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        choices: [{ index: 0, message: { role: 'assistant', content: result.text, refusal: null }, logprobs: null, finish_reason: result.finishReason }],
        usage: usageBody(progress.usage),
        system_fingerprint: null,
      });
      return result;
    }
    const head = `{"id":"${completionId()}","object":"chat.completion.chunk","created":${Math.floor(Date.now() / 1000)},"model":${JSON.stringify(request.model)},"system_fingerprint":null,"choices":[`;
    const out = new FrameBatcher(res);
    // Headers go with the first token, so a failure before it keeps its real status (429 with retry-after…).
    const start = () => {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      void out.write(`data: ${head}{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`);
    };
    let result: { text: string; finishReason: string };
    try {
      result = await adapter({
        text: (_index, text) => {
          if (!res.headersSent) start();
          return out.write(`data: ${head}{"index":0,"delta":{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}]}\n\n`);
        },
      })(neutral, progress, signal);
    } catch (error) {
      out.flush(); // the text that did stream goes before the error event
      throw error;
    }
    if (!res.headersSent) start();
    let tail = `data: ${head}{"index":0,"delta":{},"logprobs":null,"finish_reason":${JSON.stringify(result.finishReason)}}]}\n\n`;
    if (request.stream_options?.include_usage) tail += `data: ${head}],"usage":${JSON.stringify(usageBody(progress.usage))}}\n\n`;
    out.end(`${tail}data: [DONE]\n\n`);
    return result;
  };
}

function usageBody(usage: { inputTokens: number; outputTokens: number } | undefined) {
  const prompt = usage?.inputTokens ?? 0;
  const completion = usage?.outputTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Unique per daemon run and per request: a random prefix drawn once, then a counter. */
const ID_PREFIX = `chatcmpl-sb${randomBytes(6).toString('base64url')}`;
let idCounter = 0;

function completionId(): string {
  return `${ID_PREFIX}${(++idCounter).toString(36)}`;
}
