/**
 * The OpenAI-compatible HTTP API on the daemon's loopback port (behind the same bearer token):
 * `GET /v1/models` and `POST /v1/chat/completions`, streaming or not, over every connection —
 * Anthropic ones included, since the ChatService speaks one neutral format.
 *
 * Streaming is a relay on the hot path: chunks are framed with string concatenation around a
 * prebuilt prefix, headers are sent with the first token (so failures before it keep their real
 * HTTP status, e.g. 429 with retry-after), and the socket's backpressure pauses the upstream.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { ChatService } from '../chat/chatService';
import type { ConnectionService } from '../connections/service';
import type { Logger } from '../log';
import type { Caller } from '../tokens/caller';
import { ChatCompletionsBody, translate } from './chatCompletionsRequest';
import { routeModel } from './modelRouting';
import { sendModelsList } from './modelsList';
import { openaiErrorBody, sendJson, sendOpenAIError } from './openaiErrors';
import { readJsonBody } from './readBody';

export interface OpenAICompatDeps {
  chat: ChatService;
  connections: ConnectionService;
  /** A connection's cached model ids, without waiting (see modelsList.ts). */
  cachedModelsOf: (connectionId: string) => string[] | undefined;
  log: Logger;
}

export function createOpenAICompatHandler(deps: OpenAICompatDeps) {
  return async (req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<boolean> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/v1/models' && req.method === 'GET') {
      sendModelsList(deps, res, caller);
      return true;
    }
    if (path === '/v1/chat/completions') {
      if (req.method !== 'POST') {
        sendJson(res, 405, openaiErrorBody('Use POST for /v1/chat/completions.', 405, 'method_not_allowed'), { allow: 'POST' });
        return true;
      }
      await chatCompletions(deps, req, res, caller);
      return true;
    }
    return false;
  };
}

async function chatCompletions(deps: OpenAICompatDeps, req: IncomingMessage, res: ServerResponse, caller: Caller): Promise<void> {
  const raw = await readJsonBody(req);
  if (!raw.ok) {
    // A refused body may still be arriving: close the connection rather than leave it unread on a keep-alive socket.
    sendJson(res, raw.status, openaiErrorBody(raw.message, raw.status, 'invalid_request'), raw.status === 413 ? { connection: 'close' } : {});
    return;
  }
  const parsed = ChatCompletionsBody.safeParse(raw.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || 'body';
    sendJson(res, 400, openaiErrorBody(`${field}: ${issue.message}`, 400, 'invalid_request', field));
    return;
  }
  const body = parsed.data;
  const controller = new AbortController();
  // The client hanging up mid-answer must stop the upstream request too.
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });

  try {
    const route = routeModel(body.model, deps.connections.names());
    const { messages, options } = translate(body);
    const prepared = deps.chat.prepare({ ...(route.connectionId && { connectionId: route.connectionId }), ...(route.model && { model: route.model }), messages, options, caller });
    if (body.stream) await streamCompletion(deps, prepared, body, res, controller.signal);
    else {
      const result = await deps.chat.run(prepared, { text: () => undefined }, controller.signal);
      sendJson(res, 200, {
        id: completionId(),
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: result.text, refusal: null }, logprobs: null, finish_reason: result.finishReason }],
        usage: usageBody(result.usage),
        system_fingerprint: null,
      });
    }
  } catch (error) {
    const mapped = error instanceof SwitchboardError ? error : new SwitchboardError(ErrorCode.UPSTREAM_ERROR, 'The request failed inside the daemon.', { hint: 'See daemon.log in the Switchboard home.' });
    if (!(error instanceof SwitchboardError)) deps.log.error('chat completion failed', { error });
    if (res.headersSent) {
      // Mid-stream: OpenAI SDKs raise an APIError for an `error` event; no [DONE] follows, so nobody mistakes it for a whole answer.
      if (!res.writableEnded) res.end(`data: ${JSON.stringify(openaiErrorBody(`${mapped.message} ${mapped.data.hint}`, 502, mapped.code.toLowerCase()))}\n\n`);
    } else if (!res.writableEnded && !controller.signal.aborted) sendOpenAIError(res, mapped);
  }
}

async function streamCompletion(deps: OpenAICompatDeps, prepared: ReturnType<ChatService['prepare']>, body: ChatCompletionsBody, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const head = `{"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(body.model)},"system_fingerprint":null,"choices":[`;
  const out = new FrameBatcher(res);
  const start = () => {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    void out.write(`data: ${head}{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`);
  };
  let result: Awaited<ReturnType<ChatService['run']>>;
  try {
    result = await deps.chat.run(
      prepared,
      {
        text: (_index, text) => {
          if (!res.headersSent) start();
          return out.write(`data: ${head}{"index":0,"delta":{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}]}\n\n`);
        },
      },
      signal,
    );
  } catch (error) {
    out.flush(); // the text that did stream goes before the error event
    throw error;
  }
  if (!res.headersSent) start();
  let tail = `data: ${head}{"index":0,"delta":{},"logprobs":null,"finish_reason":${JSON.stringify(result.finishReason)}}]}\n\n`;
  if (body.stream_options?.include_usage) tail += `data: ${head}],"usage":${JSON.stringify(usageBody(result.usage))}}\n\n`;
  out.end(`${tail}data: [DONE]\n\n`);
}

/**
 * Coalesces the frames of one event-loop turn into one `res.write`: the deltas of one upstream
 * read arrive in the same turn, and a write (a syscall, chunked framing) each would cost more than
 * the relay itself. Flushed by `setImmediate`, i.e. once the turn's I/O callbacks and microtasks
 * have run. `write` returns a promise only while the socket's buffer is over its high-water mark.
 */
export class FrameBatcher {
  private pending = '';
  private scheduled = false;
  private drain: Promise<void> | undefined;

  constructor(private readonly res: ServerResponse) {}

  write(frame: string): Promise<void> | undefined {
    this.pending += frame;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    return this.drain;
  }

  /** Writes what is pending now. */
  readonly flush = (): void => {
    this.scheduled = false;
    const text = this.pending;
    if (text === '') return;
    this.pending = '';
    const res = this.res;
    if (res.writableEnded || res.destroyed) return;
    if (res.write(text) || this.drain) return;
    this.drain = new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        this.drain = undefined;
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };

  /** Ends the response with what is pending and `tail`, in one write. */
  end(tail: string): void {
    const text = this.pending + tail;
    this.pending = '';
    if (!this.res.writableEnded) this.res.end(text);
  }
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
