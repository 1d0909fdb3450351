/**
 * Mock upstream LLM server for integration tests and benchmarks: one loopback HTTP server that
 * speaks OpenAI, Azure OpenAI and Anthropic exactly as the real APIs do (see the *Wire.ts
 * modules), records every request, and injects faults on demand.
 *
 *   const up = await startMockUpstream({ validKeys: ['sk-good'] });
 *   new OpenAI({ baseURL: up.openaiBaseUrl, apiKey: 'sk-good' });
 *   new Anthropic({ baseURL: up.anthropicBaseUrl, apiKey: 'sk-good' });
 *   new AzureOpenAI({ endpoint: up.azureEndpoint, apiKey: 'sk-good', apiVersion: '2024-10-21' });
 *   up.fault({ kind: 'status', status: 429, count: 1 });
 *   … up.requests[0].authKey …
 *   await up.close();
 *
 * Routes: POST /v1/chat/completions (OpenAI), POST /v1/messages and /v1/messages/count_tokens (Anthropic), POST /v1/embeddings
 * (embeddingsWire.ts), POST /v1/responses (OpenAI's Responses API, responsesWire.ts; Azure's at
 * /openai/v1/responses),
 * GET /v1/models[/id] (Anthropic when x-api-key / anthropic-version is sent, else OpenAI),
 * POST /openai/deployments/{deployment}/chat/completions and GET /openai/models[/id] (Azure,
 * `?api-version=` required). Gemini's OpenAI-compatible API under /v1beta/openai/ (geminiWire.ts: thought
 * signatures, schema and reasoning checks in geminiRules.ts) and Cohere's compatibility API under
 * /compatibility/v1/ (cohereWire.ts): chat/completions, embeddings, models. Plain node:http so it can also be the "direct" benchmark baseline.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicWire, newAnthropicRequestId, newMessageId } from './anthropicWire';
import { azureWire } from './azureWire';
import { deliverJson, deliverStream } from './delivery';
import { Exchange } from './exchange';
import { FaultQueue } from './faults';
import { newChatId, openaiWire } from './openaiWire';
import { extractCustomKey, extractKey, flattenHeaders, parseJson, pickParams, readBody } from './requestInfo';
import { resolveRoute, type Route } from './routes';
import type {
  ErrorContext,
  ErrorReason,
  Fault,
  MockUpstream,
  MockUpstreamOptions,
  RateLimitOptions,
  RateLimitState,
  RecordedRequest,
  ReplyFor,
  ReplyPlan,
  ReplyScript,
  Wire,
} from './types';
import { checkConversation } from './conversation';
import { isGemini3 } from './geminiRules';
import { geminiWire } from './geminiWire';
import { estimateTokens, randomHex } from './wireUtil';
import { checkEmbeddingsBody, embeddingsAnswer, embeddingTokens } from './embeddingsWire';
import {
  checkResponsesBody,
  newResponseId,
  responsesAnswer,
  responsesStream,
  responsesStreamError,
} from './responsesWire';

type Fail = (status: number, reason?: ErrorReason, extra?: Partial<ErrorContext>) => void;

export type * from './types';

const DEFAULT_REPLY: ReplyScript = { chunks: ['Hello', ' from', ' mock'] };
// Current ids: the Anthropic SDK console.warns on deprecated ones (claude-sonnet-4-5 in SDK 1.12).
const DEFAULT_MODELS = ['gpt-5.4', 'gpt-5.4-mini', 'claude-sonnet-4-6', 'claude-haiku-4-5'];

export async function startMockUpstream(opts: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const mock = new MockUpstreamServer(opts);
  await mock.listen();
  return mock;
}

interface Waiter {
  pred: (r: RecordedRequest) => boolean;
  resolve: (r: RecordedRequest) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

class MockUpstreamServer implements MockUpstream {
  url = '';
  openaiBaseUrl = '';
  anthropicBaseUrl = '';
  azureEndpoint = '';
  geminiBaseUrl = '';
  cohereBaseUrl = '';
  readonly requests: RecordedRequest[] = [];
  validKeys: Set<string>;
  models: string[];
  missingModels: Set<string>;
  defaultReply: ReplyScript;
  customAuth: MockUpstreamOptions['customAuth'];

  private readonly server: http.Server;
  private readonly replies = new Map<string, ReplyScript | ReplyFor>();
  readonly signatures = new Set<string>();
  private readonly faults = new FaultQueue();
  private readonly live = new Set<Exchange>();
  private waiters: Waiter[] = [];
  private readonly limits: RateLimitOptions;
  private served = 0;
  private tokensUsed = 0;
  private closing: Promise<void> | undefined;

  constructor(opts: MockUpstreamOptions) {
    this.validKeys = new Set(opts.validKeys ?? []);
    this.models = [...(opts.models ?? DEFAULT_MODELS)];
    this.missingModels = new Set(opts.missingModels ?? []);
    this.defaultReply = opts.defaultReply ?? DEFAULT_REPLY;
    this.customAuth = opts.customAuth;
    this.limits = opts.rateLimits ?? { requests: 10_000, tokens: 2_000_000 };

    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.crashed(res, err));
    });
    // Clients (undici) reuse idle connections for up to the server's advertised keep-alive;
    // a long one keeps benchmarks from paying for new connections. close() cuts them anyway.
    this.server.keepAliveTimeout = 30_000;
    this.server.on('connection', (socket) => socket.setNoDelay(true)); // one SSE frame = one packet, now
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        const { port } = this.server.address() as AddressInfo;
        this.url = `http://127.0.0.1:${port}`;
        this.openaiBaseUrl = `${this.url}/v1`;
        this.anthropicBaseUrl = this.url;
        this.azureEndpoint = this.url;
        this.geminiBaseUrl = `${this.url}/v1beta/openai`;
        this.cohereBaseUrl = `${this.url}/compatibility/v1`;
        resolve();
      });
    });
  }

  reply(model: string, script: ReplyScript | ReplyFor): void {
    this.replies.set(model, script);
  }

  fault(f: Fault): void {
    this.faults.add(f);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  reset(): void {
    this.requests.length = 0;
    this.faults.clear();
    this.replies.clear();
    this.signatures.clear();
  }

  waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs = 5_000): Promise<RecordedRequest> {
    const hit = this.requests.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        pred,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(
            new Error(`mock upstream: no matching request within ${timeoutMs}ms (${this.requests.length} received)`),
          );
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const ex of this.live) ex.markServerClosed();
      for (const w of this.waiters) {
        clearTimeout(w.timer);
        w.reject(new Error('mock upstream closed'));
      }
      this.waiters = [];
      this.server.close(() => resolve());
      this.server.closeAllConnections(); // hung and idle keep-alive sockets alike
    });
    return this.closing;
  }

  /** Called whenever a recorded request changes; settles the waiters it satisfies. */
  private readonly changed = (r: RecordedRequest): void => {
    if (this.waiters.length === 0) return;
    for (const w of this.waiters.filter((w) => w.pred(r))) {
      clearTimeout(w.timer);
      w.resolve(r);
    }
    this.waiters = this.waiters.filter((w) => !w.pred(r));
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://mock');
    const headers = flattenHeaders(req);
    const route = resolveRoute(req.method ?? 'GET', url.pathname, headers, url.searchParams);
    const record = this.record(req.method ?? 'GET', url, headers, rawBody, route);
    const ex = new Exchange(res, record, this.changed);
    this.live.add(ex);
    res.on('close', () => this.live.delete(ex));

    const fault = this.faults.take({ path: record.path, model: record.model, format: record.format });
    record.fault = fault?.kind;
    this.changed(record);

    const wire = route.wire;
    const requestId = wire === anthropicWire ? newAnthropicRequestId() : `req_${randomHex(32)}`;
    const ctx = (reason?: ErrorReason, extra?: Partial<ErrorContext>): ErrorContext => ({
      reason,
      key: record.authKey,
      model: record.model,
      method: record.method,
      path: record.path,
      requestId,
      retryAfterS: 1,
      rateLimits: this.rateLimitState(),
      ...extra,
    });
    const fail = (status: number, reason?: ErrorReason, extra?: Partial<ErrorContext>) =>
      ex.sendError(wire.error(status, ctx(reason, extra)));
    // What a streamError fault turns into (mid-stream frame, or the whole answer when not streaming).
    const errorStatus = fault?.kind === 'streamError' ? (fault.status ?? (wire === anthropicWire ? 529 : 500)) : 500;

    if (fault?.kind === 'slowHeaders' && !(await ex.sleep(fault.ms))) return;
    if (fault?.kind === 'hang') return; // the request stays open until the client or close() ends it
    if (fault?.kind === 'status') return ex.sendError(this.statusFault(wire, fault, ctx));

    // Checks in the real APIs' order: route, then key, then body, then model.
    if (route.kind === 'none') return fail(404, 'noRoute');
    // Azure's v1 API (`/openai/v1/…`) takes no api-version; everything else needs one.
    if (wire === azureWire && !record.query['api-version'] && !record.path.startsWith('/openai/v1/'))
      return fail(404, 'noRoute');
    if (!this.findKey(record.headers, wire.format).accepted) return fail(401, 'missingKey');
    if (this.validKeys.size > 0 && !this.validKeys.has(record.authKey!)) return fail(401, 'invalidKey');

    const okHeaders = () => ({ ...wire.headers(requestId, this.consume(0)), 'content-type': 'application/json' });
    if (route.kind === 'models') {
      const list = JSON.stringify(wire.models(this.models, record.query));
      return deliverJson(ex, 200, okHeaders(), list, 0, fault, () => fail(errorStatus));
    }
    if (route.kind === 'model') {
      const id = record.model;
      if (!id || this.missingModels.has(id) || !this.models.includes(id)) return fail(404, 'modelNotFound');
      return deliverJson(ex, 200, okHeaders(), JSON.stringify(wire.model(id)), 0, fault, () => fail(errorStatus));
    }

    if (route.kind === 'embeddings') return this.embeddings(ex, record, requestId, okHeaders, fault, fail);
    if (route.kind === 'responses') return this.responses(ex, record, requestId, fault, fail, errorStatus);
    if (route.kind === 'countTokens') {
      // Anthropic's token count: the same checks as a message (but no max_tokens), then `{input_tokens}`.
      const body = record.body;
      if (!record.headers['anthropic-version'])
        return fail(400, 'badRequest', { message: 'anthropic-version: header is required' });
      if (!record.model) return fail(400, 'badRequest', { message: 'model: Field required' });
      if (!Array.isArray(body?.messages)) return fail(400, 'badRequest', { message: 'messages: Field required' });
      if (this.missingModels.has(record.model)) return fail(404, 'modelNotFound');
      const count = JSON.stringify({ input_tokens: estimateTokens(body.system, body.messages, body.tools) });
      return deliverJson(ex, 200, okHeaders(), count, 0, fault, () => fail(errorStatus));
    }

    // Chat: validate as the provider would, then answer from the model's script.
    const anthropic = wire === anthropicWire;
    const body = record.body;
    const model = record.model;
    const bad = (message: string, param?: string) => fail(400, 'badRequest', { message, param });
    if (body === undefined || typeof body !== 'object') {
      return bad(
        anthropic
          ? 'There was an issue with your request body. Please check it is valid JSON.'
          : "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
      );
    }
    if (anthropic && !record.headers['anthropic-version']) return bad('anthropic-version: header is required');
    if (!model) return bad(anthropic ? 'model: Field required' : 'you must provide a model parameter');
    if (!Array.isArray(body.messages)) {
      return anthropic ? bad('messages: Field required') : bad("Missing required parameter: 'messages'.", 'messages');
    }
    if (anthropic && typeof body.max_tokens !== 'number') return bad('max_tokens: Field required');
    if (this.missingModels.has(model)) return fail(404, 'modelNotFound');
    // The conversation rules the real APIs enforce (tool results answer calls, signed thinking replayed intact).
    const refusal = checkConversation(wire.format, body, this.signatures);
    if (refusal) return bad(refusal.message, refusal.param);

    const script = this.scriptFor(model, record);
    const plan = this.plan(wire, model, body, script);
    if (script.frames && body.stream === true) {
      const sseHeaders = {
        ...wire.headers(requestId, this.consume(0)),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
      };
      const raw = { head: [], content: script.frames, tail: [], terminator: '' };
      return deliverStream(
        ex,
        sseHeaders,
        raw,
        { firstChunkDelayMs: script.firstChunkDelayMs ?? 0, chunkDelayMs: script.chunkDelayMs ?? 0 },
        fault,
        () => wire.streamError(errorStatus, ctx()),
      );
    }
    if (script.answer !== undefined && body.stream !== true) {
      return deliverJson(
        ex,
        200,
        { ...wire.headers(requestId, this.consume(0)), 'content-type': 'application/json' },
        script.answer,
        0,
        fault,
        () => fail(errorStatus),
      );
    }
    const answerHeaders = wire.headers(requestId, this.consume(plan.usage.input + plan.usage.output));
    const pacing = { firstChunkDelayMs: script.firstChunkDelayMs ?? 0, chunkDelayMs: script.chunkDelayMs ?? 0 };
    if (body.stream === true) {
      const sseHeaders = {
        ...answerHeaders,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
      };
      return deliverStream(ex, sseHeaders, wire.stream(plan), pacing, fault, () =>
        wire.streamError(errorStatus, ctx()),
      );
    }
    // Not streaming: the answer comes once the whole text would have been generated.
    const delayMs = pacing.firstChunkDelayMs + pacing.chunkDelayMs * Math.max(0, plan.chunks.length - 1);
    const json = JSON.stringify(wire.completion(plan));
    return deliverJson(ex, 200, { ...answerHeaders, 'content-type': 'application/json' }, json, delayMs, fault, () =>
      fail(errorStatus),
    );
  }

  /** `POST /v1/embeddings` (and Azure's deployment path): deterministic vectors, usage by input tokens. */
  private embeddings(
    ex: Exchange,
    record: RecordedRequest,
    requestId: string,
    okHeaders: () => Record<string, string>,
    fault: Fault | undefined,
    fail: Fail,
  ) {
    const check = checkEmbeddingsBody(record.body);
    if (!check.ok)
      return fail(400, 'badRequest', { message: check.message, ...(check.param && { param: check.param }) });
    const model = record.model!;
    if (this.missingModels.has(model)) return fail(404, 'modelNotFound');
    const script = this.replies.has(model) ? this.scriptFor(model, record) : undefined;
    const tokens = script?.usage?.input ?? embeddingTokens(check.inputs);
    this.consume(tokens);
    const body = JSON.stringify(embeddingsAnswer(script?.responseModel ?? model, check, tokens));
    return deliverJson(ex, 200, okHeaders(), body, script?.firstChunkDelayMs ?? 0, fault, () => fail(500));
  }

  /** `POST /v1/responses`: the model's script as a Responses API answer, streamed or not. */
  private responses(
    ex: Exchange,
    record: RecordedRequest,
    requestId: string,
    fault: Fault | undefined,
    fail: Fail,
    errorStatus: number,
  ) {
    const body = record.body;
    const check = checkResponsesBody(body);
    if (!check.ok)
      return fail(400, 'badRequest', { message: check.message, ...(check.param && { param: check.param }) });
    const model = record.model!;
    if (this.missingModels.has(model)) return fail(404, 'modelNotFound');
    const script = this.scriptFor(model, record);
    const limit: unknown = body.max_output_tokens;
    const cut = typeof limit === 'number' && limit < script.chunks.length;
    const chunks = cut ? script.chunks.slice(0, limit) : script.chunks;
    const plan: ReplyPlan = {
      id: newResponseId(),
      model: script.responseModel ?? model,
      created: Math.floor(Date.now() / 1000),
      chunks,
      finishReason: cut ? 'length' : 'stop',
      usage: script.usage ?? { input: estimateTokens(body.instructions, body.input), output: chunks.length },
      includeUsage: true,
      toolCalls: [],
      argumentPieceSize: 5,
      thinking: [],
      signature: undefined,
      usageDetails: { cachedInput: 0, cacheCreation: 0, reasoning: 0 },
    };
    const wire = openaiWire;
    const headers = { ...wire.headers(requestId, this.consume(plan.usage.input + plan.usage.output)) };
    const pacing = { firstChunkDelayMs: script.firstChunkDelayMs ?? 0, chunkDelayMs: script.chunkDelayMs ?? 0 };
    if (body.stream === true) {
      const sseHeaders = {
        ...headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
      };
      return deliverStream(ex, sseHeaders, responsesStream(plan, body), pacing, fault, () =>
        responsesStreamError(errorStatus),
      );
    }
    const delayMs = pacing.firstChunkDelayMs + pacing.chunkDelayMs * Math.max(0, plan.chunks.length - 1);
    return deliverJson(
      ex,
      200,
      { ...headers, 'content-type': 'application/json' },
      JSON.stringify(responsesAnswer(plan, body)),
      delayMs,
      fault,
      () => fail(errorStatus),
    );
  }

  /** Record the request before anything else happens to it. */
  /** The key as this server takes it: from the gateway's own header when it has one, else as the dialect does. */
  private findKey(headers: Record<string, string>, format: Wire['format']) {
    return this.customAuth ? extractCustomKey(headers, this.customAuth) : extractKey(headers, format);
  }

  private record(
    method: string,
    url: URL,
    headers: Record<string, string>,
    rawBody: string,
    route: Route,
  ): RecordedRequest {
    const body = parseJson(rawBody);
    const auth = this.findKey(headers, route.wire.format);
    const record: RecordedRequest = {
      seq: this.requests.length + 1,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
      rawBody,
      format: route.kind === 'none' ? undefined : route.wire.format,
      authKey: auth.key,
      authHeader: auth.header,
      model: route.deployment ?? (typeof body?.model === 'string' ? body.model : undefined) ?? route.modelId,
      params: pickParams(body),
      stream: body?.stream === true,
      fault: undefined,
      status: undefined,
      chunksSent: 0,
      aborted: false,
      completed: false,
      startedAt: Date.now(),
      endedAt: undefined,
    };
    this.requests.push(record);
    return record;
  }

  /** The script for a request: the model's (fixed or chosen per request), else the default. */
  private scriptFor(model: string, record: RecordedRequest): ReplyScript {
    const script = this.replies.get(model) ?? this.defaultReply;
    return typeof script === 'function' ? script(record) : script;
  }

  /** What the model "generates" for this request: its script, cut by max_tokens (one chunk = one token). */
  private plan(wire: Wire, model: string, body: any, script: ReplyScript): ReplyPlan {
    const anthropic = wire === anthropicWire;
    const limit: unknown = anthropic ? body.max_tokens : (body.max_completion_tokens ?? body.max_tokens);
    const cut = typeof limit === 'number' && limit >= 0 && limit < script.chunks.length;
    const chunks = cut ? script.chunks.slice(0, limit) : script.chunks;
    const toolCalls = cut
      ? []
      : (script.toolCalls ?? []).map((c, i) => ({
          id: c.id ?? (anthropic ? `toolu_01${randomHex(20)}` : `call_${randomHex(24)}`),
          name: c.name,
          arguments: c.arguments,
        }));
    const thinking = script.thinking ?? [];
    // Anthropic signs each thinking block; the mock remembers what it signed to check replays.
    const signature = thinking.length > 0 ? `sig_${randomHex(32)}` : undefined;
    if (signature && anthropic) this.signatures.add(signature);
    // Gemini 3 signs the first tool call of an answer (base64, as Google's are); replays are checked (geminiRules.ts).
    const toolSignatures =
      wire === geminiWire && isGemini3(model) && toolCalls.length > 0
        ? [Buffer.from(`gemini-thought-${randomHex(24)}`).toString('base64')]
        : undefined;
    if (toolSignatures) this.signatures.add(toolSignatures[0]!);
    const d = script.usageDetails ?? {};
    return {
      id: anthropic ? newMessageId() : newChatId(),
      model: script.responseModel ?? model,
      created: Math.floor(Date.now() / 1000),
      chunks,
      finishReason: cut ? 'length' : toolCalls.length > 0 ? 'tool_calls' : 'stop',
      usage: script.usage ?? { input: estimateTokens(body.system, body.messages), output: chunks.length },
      includeUsage: body.stream_options?.include_usage === true,
      toolCalls,
      argumentPieceSize: script.argumentPieceSize ?? 5,
      thinking,
      signature,
      ...(toolSignatures && { toolSignatures }),
      usageDetails: {
        cachedInput: d.cachedInput ?? 0,
        cacheCreation: d.cacheCreation ?? 0,
        reasoning: d.reasoning ?? 0,
      },
    };
  }

  /** The response for a `status` fault: the provider's real body for it unless the fault gives one. */
  private statusFault(
    wire: Wire,
    fault: Extract<Fault, { kind: 'status' }>,
    ctx: (reason?: ErrorReason, extra?: Partial<ErrorContext>) => ErrorContext,
  ) {
    const rl = this.rateLimitState();
    const reply = wire.error(
      fault.status,
      ctx(fault.variant === 'insufficient_quota' ? 'insufficientQuota' : undefined, {
        retryAfterS: fault.retryAfterS ?? 1,
        rateLimits: fault.status === 429 ? { ...rl, requestsRemaining: 0, tokensRemaining: 0 } : rl,
      }),
    );
    if (fault.body !== undefined) {
      const raw = typeof fault.body === 'string';
      reply.body = raw ? (fault.body as string) : JSON.stringify(fault.body);
      reply.headers['content-type'] = raw ? 'text/plain; charset=utf-8' : 'application/json';
    }
    Object.assign(reply.headers, fault.headers);
    return reply;
  }

  /** Count a served request and its tokens; the rate-limit state to report after it. */
  private consume(tokens: number): RateLimitState {
    this.served++;
    this.tokensUsed += tokens;
    return this.rateLimitState();
  }

  private rateLimitState(): RateLimitState {
    return {
      requestsLimit: this.limits.requests,
      requestsRemaining: Math.max(0, this.limits.requests - this.served),
      tokensLimit: this.limits.tokens,
      tokensRemaining: Math.max(0, this.limits.tokens - this.tokensUsed),
    };
  }

  private crashed(res: ServerResponse, err: unknown): void {
    if ((err as { code?: string })?.code === 'ECONNRESET') return; // client left while sending its body
    console.error('mock upstream: handler failed', err);
    if (!res.headersSent && !res.destroyed)
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`mock upstream bug: ${String(err)}`);
    else res.destroy();
  }
}
