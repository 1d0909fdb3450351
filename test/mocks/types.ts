/**
 * Types of the mock upstream LLM server (see upstream.ts).
 *
 * Kept apart from the server so the wire modules (openaiWire, azureWire, anthropicWire) and the
 * stream runner can share them without importing the server itself.
 */

/** Which provider dialect a request was spoken in (decided by its route and headers). */
export type WireFormat = 'openai' | 'azure' | 'anthropic' | 'gemini' | 'cohere';

/** What the mock answers for one model. One string per chunk; each chunk counts as one token. */
export interface ReplyScript {
  chunks: string[];
  /** Token counts to report; default: input estimated from the prompt, output = chunk count. */
  usage?: { input: number; output: number };
  /** Delay between content chunks (ms). Also sums into the non-streaming answer's delay. */
  chunkDelayMs?: number;
  /** Delay between the stream's opening events and the first content chunk (time to first token). */
  firstChunkDelayMs?: number;
  /**
   * Model id to report in the answer. Real APIs answer with a resolved snapshot
   * (`gpt-4o` → `gpt-4o-2024-08-06`); default: echo the requested id.
   */
  responseModel?: string;
  /**
   * Tool calls the model makes after its text (finish `tool_calls` / stop `tool_use`). Streamed,
   * each call's arguments arrive in pieces of `argumentPieceSize` characters; OpenAI interleaves
   * the pieces of parallel calls (round robin), Anthropic sends one tool_use block after another.
   */
  toolCalls?: Array<{ id?: string; name: string; arguments: string }>;
  /** Characters per streamed argument piece (default 5). */
  argumentPieceSize?: number;
  /**
   * Reasoning streamed before the text: Anthropic a `thinking` block ended by a signature the mock
   * issues (and checks when a later request replays it); OpenAI `reasoning_content` deltas.
   */
  thinking?: string[];
  /** Token counts of cached input and reasoning to report in usage. */
  usageDetails?: { cachedInput?: number; cacheCreation?: number; reasoning?: number };
  /**
   * Answer a streamed request with exactly these SSE frames (each one write, content-chunk pacing
   * and faults applied as to content chunks), and a whole one with `answer` (JSON text): for relay
   * tests that need bytes the scripted answers do not make — tool calls split over many chunks,
   * thinking with signatures, vendor fields. Usage and terminators are whatever the frames hold.
   */
  frames?: string[];
  answer?: string;
}

/** A reply chosen per request (multi-turn tool loops): given the request, what the model answers. */
export type ReplyFor = (request: RecordedRequest) => ReplyScript;

/** Where a fault applies; every given field must match. Default: every request. */
export interface FaultMatch {
  path?: string | RegExp;
  model?: string;
  format?: WireFormat;
}

interface FaultBase {
  /** How many requests the fault applies to; default: every request until `clearFaults()`. */
  count?: number;
  match?: FaultMatch;
}

export type Fault = FaultBase &
  (
    | {
        /** Answer with this status. Without `body`, the provider's real body for that status. */
        kind: 'status';
        status: number;
        body?: unknown;
        headers?: Record<string, string>;
        /** OpenAI 429 only: `insufficient_quota` (billing) instead of `rate_limit_exceeded`. */
        variant?: 'insufficient_quota';
        /** 429: seconds to put in `retry-after` (default 1). */
        retryAfterS?: number;
      }
    | { /** Read the request, never answer. */ kind: 'hang' }
    | {
        /** Send the stream's opening and `n` content chunks, then stall forever. */ kind: 'hangAfterChunks';
        n: number;
      }
    | {
        /** End the response cleanly but without `data: [DONE]` / `message_stop`; with
         *  `afterChunks`, also cut the content after that many chunks. */
        kind: 'truncate';
        afterChunks?: number;
      }
    | { /** Destroy the socket after `afterChunks` content chunks (default 0). */ kind: 'reset'; afterChunks?: number }
    | { /** Wait `ms` before sending anything, then answer normally. */ kind: 'slowHeaders'; ms: number }
    | {
        /** Mid-stream error event (`event: error` / `data: {"error":…}`) after `afterChunks` chunks.
         *  `status` picks the error (default: Anthropic 529 overloaded, OpenAI 500 server_error). */
        kind: 'streamError';
        afterChunks?: number;
        status?: number;
      }
  );

export type FaultKind = Fault['kind'];

/** The sampling options the mock lifts out of a request body, under their wire names. */
export interface ChatParams {
  model?: string;
  messages?: unknown;
  system?: unknown;
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  top_p?: number;
  stop?: unknown;
  stop_sequences?: unknown;
  stream?: boolean;
  stream_options?: unknown;
}

/** One request the mock received, updated in place as its response progresses. */
export interface RecordedRequest {
  /** 1-based arrival order. */
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Header names lowercased (as node:http gives them); repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON body; undefined when there was none or it was not JSON. */
  body: any;
  rawBody: string;
  /** Dialect of the route hit; undefined for routes the mock does not serve. */
  format: WireFormat | undefined;
  /** The key as received: from `Authorization: Bearer`, `x-api-key`, or Azure's `api-key`. */
  authKey: string | undefined;
  /** Which header carried `authKey` (`custom`: the header of `customAuth`). */
  authHeader: 'authorization' | 'x-api-key' | 'api-key' | 'custom' | undefined;
  /** Model from the body, or the Azure deployment from the path. */
  model: string | undefined;
  params: ChatParams;
  stream: boolean;
  /** The fault applied to this request, if any. */
  fault: FaultKind | undefined;
  /** Status sent (undefined until headers go out). */
  status: number | undefined;
  /** Content chunks written so far (streams only). */
  chunksSent: number;
  /** The client disconnected before the response ended. */
  aborted: boolean;
  /** The response was sent completely (a deliberate truncation counts as completed). */
  completed: boolean;
  startedAt: number;
  endedAt: number | undefined;
}

export interface RateLimitOptions {
  /** Requests per window reported in `*-limit-requests`. */
  requests: number;
  /** Tokens per window reported in `*-limit-tokens`. */
  tokens: number;
}

export interface MockUpstreamOptions {
  /** If non-empty, only these keys are accepted; default: any non-empty key. */
  validKeys?: Iterable<string>;
  /** Served by the models endpoints, in every dialect. */
  models?: string[];
  /** Model ids (or Azure deployments) that answer 404 model_not_found. */
  missingModels?: Iterable<string>;
  /** Reply for models without a `reply()` script. */
  defaultReply?: ReplyScript;
  rateLimits?: RateLimitOptions;
  /**
   * A gateway with its own key header: the key is taken only from this header, as `prefix <key>`
   * (or the key alone without a prefix), in every dialect; a request without it is answered 401
   * "missing key", even with `Authorization: Bearer` or `x-api-key`. Changeable later (`customAuth`).
   */
  customAuth?: CustomAuth;
}

/** Where a gateway with its own key header takes the key (see {@link MockUpstreamOptions.customAuth}). */
export interface CustomAuth {
  /** Lowercase header name, e.g. `api-key`. */
  header: string;
  prefix?: string;
}

export interface MockUpstream {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `${url}/v1` — baseURL for the `openai` SDK and any OpenAI-compatible client. */
  readonly openaiBaseUrl: string;
  /** `${url}` — the Anthropic SDK appends `/v1/messages` itself. */
  readonly anthropicBaseUrl: string;
  /** `${url}` — `endpoint` for `AzureOpenAI` (the SDK appends `/openai`). */
  readonly azureEndpoint: string;
  readonly requests: RecordedRequest[];
  validKeys: Set<string>;
  models: string[];
  missingModels: Set<string>;
  defaultReply: ReplyScript;
  /** The gateway's own key header, when it has one (see {@link MockUpstreamOptions.customAuth}). */
  customAuth: CustomAuth | undefined;
  /** Script the answer for one model id (or Azure deployment), fixed or chosen per request. */
  reply(model: string, script: ReplyScript | ReplyFor): void;
  /** `${url}/v1beta/openai` — Gemini's OpenAI-compatible base URL (geminiWire.ts). */
  readonly geminiBaseUrl: string;
  /** `${url}/compatibility/v1` — Cohere's OpenAI compatibility base URL (cohereWire.ts). */
  readonly cohereBaseUrl: string;
  /** Thinking signatures the mock issued (Anthropic's thinking blocks, Gemini 3's tool calls); a replayed one not in here is refused with 400. */
  readonly signatures: Set<string>;
  /** Add a fault; the first matching fault with uses left applies to a request. */
  fault(f: Fault): void;
  clearFaults(): void;
  /** Forget requests, faults and scripted replies (keys and model lists stay). */
  reset(): void;
  /**
   * Resolves with the first request (past or future) for which `pred` holds; rejects after
   * `timeoutMs` (default 5000). `pred` is re-checked whenever a request arrives, gets its fault,
   * sends its status or a chunk, finishes, or closes — so `r => r.aborted` works.
   */
  waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** Stop listening and destroy every open socket (hung requests included). */
  close(): Promise<void>;
}

// ---- Internal contract between the server and the wire modules ----

/** Everything a wire module needs to render one successful answer. */
export interface ReplyPlan {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
  /** Content chunks actually sent (cut to max_tokens). */
  chunks: string[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  usage: { input: number; output: number };
  /** OpenAI `stream_options.include_usage`. */
  includeUsage: boolean;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  argumentPieceSize: number;
  thinking: string[];
  /** The signature of the thinking block, when there is thinking. */
  signature: string | undefined;
  /** Gemini 3: the thought signature of each tool call (the first of an answer has one), by index. */
  toolSignatures?: Array<string | undefined>;
  usageDetails: { cachedInput: number; cacheCreation: number; reasoning: number };
}

/** A stream as SSE frames (each already ends with its blank line). */
export interface StreamFrames {
  head: string[];
  /** One frame per content piece: reasoning, text chunks (`ReplyPlan.chunks`), tool-call pieces, in order. */
  content: string[];
  tail: string[];
  /** `data: [DONE]` / `event: message_stop`: what `truncate` leaves out. */
  terminator: string;
}

export type ErrorReason =
  'missingKey' | 'invalidKey' | 'modelNotFound' | 'badRequest' | 'noRoute' | 'insufficientQuota';

export interface ErrorContext {
  reason?: ErrorReason | undefined;
  /** For badRequest: what was wrong. */
  message?: string | undefined;
  param?: string | undefined;
  key?: string | undefined;
  model?: string | undefined;
  method: string;
  path: string;
  requestId: string;
  retryAfterS: number;
  rateLimits: RateLimitState;
}

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RateLimitState {
  requestsLimit: number;
  requestsRemaining: number;
  tokensLimit: number;
  tokensRemaining: number;
}

/** One provider dialect: how it answers, streams, fails and lists models. */
export interface Wire {
  format: WireFormat;
  /** Headers every answer carries: request id, rate-limit state, provider extras. */
  headers(requestId: string, rl: RateLimitState): Record<string, string>;
  error(status: number, ctx: ErrorContext): ErrorReply;
  completion(plan: ReplyPlan): unknown;
  stream(plan: ReplyPlan): StreamFrames;
  /** A mid-stream error frame carrying the error for `status`. */
  streamError(status: number, ctx: ErrorContext): string;
  models(ids: string[], query: Record<string, string>): unknown;
  model(id: string): unknown;
}
