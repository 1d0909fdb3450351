/**
 * The protocol's result types: what the daemon returns. Inputs are declared as zod schemas beside
 * their methods; outputs are plain interfaces because the daemon builds them itself.
 */
import type { ErrorData } from '../errors';
import type { Budget, CapacityLimit, KeySource, OnLimit } from './fields';

/** Status of a connection's last test. */
export type TestStatus = 'ok' | 'warning' | 'error';

/** One stage of a connection test. */
export interface TestStage {
  /** Which check this is. */
  name: 'connectivity' | 'authentication' | 'models' | 'latency' | 'completion';
  /** `skipped` when an earlier stage failed or the stage was not asked for. */
  status: TestStatus | 'skipped';
  /** Milliseconds the stage took, when it ran. */
  ms?: number;
  /** What was found, in words a person can act on. */
  reason: string;
}

/** The result of `connections/test`, stored on the connection as `lastTest`. */
export interface TestResult {
  /** Overall: the worst stage. */
  status: TestStatus;
  /** One line summary, e.g. "Works: 12 models, 140 ms". */
  summary: string;
  /** ISO time the test finished. */
  testedAt: string;
  /** Total milliseconds. */
  durationMs: number;
  stages: TestStage[];
  /** Model ids discovered during the test, when the models stage ran. */
  models?: string[];
}

/** A connection as every response shows it. There is no field that holds a key. */
export interface Connection {
  id: string;
  /** Unique, case-insensitively. */
  name: string;
  /** A provider id from the catalog (`providers/list`). */
  provider: string;
  baseUrl: string;
  defaultModel?: string;
  /** When set, only these models may be used (`MODEL_NOT_ALLOWED` otherwise). */
  allowedModels?: string[];
  organization?: string;
  /** Azure OpenAI `api-version`. */
  apiVersion?: string;
  /** Extra headers sent upstream; a secret one's value shows as `SECRET_HEADER_MASK`. */
  headers?: Record<string, string>;
  /** Names of the headers whose values are credentials, kept in the daemon's encrypted vault and never shown. */
  secretHeaders?: string[];
  timeoutMs: number;
  maxRetries: number;
  isDefault: boolean;
  keySource: KeySource;
  /** `…abcd`: the last four characters of the key, when the daemon holds one. */
  keyHint?: string;
  /** First 8 hex characters of the key's SHA-256, to tell keys apart without showing them. */
  keyFingerprint?: string;
  /** Whether the daemon can use a key right now (false for `memory` until a client pushes it). */
  keyAvailable: boolean;
  createdAt: string;
  updatedAt: string;
  lastTest?: TestResult;
  /** Configured limits, enforced by the daemon before the upstream is called. */
  capacity?: CapacityLimit[];
  /** `fail` (default): a request over a limit fails with RATE_LIMITED; `queue`: it waits its turn. */
  onLimit?: OnLimit;
  /** With `onLimit: "queue"`: the longest a request waits (default 60000 ms). */
  maxQueueWaitMs?: number;
  /** Spending budget; a request that would pass it fails with BUDGET_EXCEEDED. */
  budget?: Budget;
  /** Connection ids tried in order when this one fails before its first token. */
  fallbacks?: string[];
  /** The model each fallback uses, by connection id (default: that connection's default model). */
  fallbackModels?: Record<string, string>;
  /** The rate limits the upstream last reported in its response headers. */
  discoveredCapacity?: DiscoveredCapacity;
}

/** Rate-limit figures an upstream reported in its headers (OpenAI `x-ratelimit-*`, Anthropic `anthropic-ratelimit-*`). */
export interface RateLimitInfo {
  requestsLimit?: number;
  requestsRemaining?: number;
  /** ISO time the request window resets. */
  requestsReset?: string;
  tokensLimit?: number;
  tokensRemaining?: number;
  /** ISO time the token window resets. */
  tokensReset?: string;
}

/** Rate limits discovered from the upstream's headers, stored on the connection. */
export interface DiscoveredCapacity extends RateLimitInfo {
  /** ISO time of the response that carried them. */
  observedAt: string;
}

/** A model's price, in US dollars per million tokens. */
export interface ModelPrice {
  /** The model id; also prices dated variants (`gpt-4o` prices `gpt-4o-2024-08-06`). */
  model: string;
  inputPerMTok: number;
  outputPerMTok: number;
}

/** A price as `prices/list` shows it: where it came from, and for which provider. */
export interface PriceEntry extends ModelPrice {
  provider: string;
  /** `catalog`: built in (may be out of date); `user`: set with `prices/set`, wins over the catalog. */
  source: 'catalog' | 'user';
}

/** A provider in the catalog. A user-defined provider is the same data, with `builtIn: false`. */
export interface Provider {
  id: string;
  name: string;
  /** Which wire format (and official SDK) serves it. */
  adapter: 'openai' | 'anthropic';
  /** Azure OpenAI: deployments and `api-version` (served by the openai SDK's AzureOpenAI client). */
  azure?: boolean;
  defaultBaseUrl: string;
  requiresKey: boolean;
  /** What a key looks like, e.g. "starts with sk-". */
  keyFormatHint?: string;
  /** Where to get or check a key. */
  docsUrl?: string;
  /** The environment variable this provider's key is usually found in. */
  envVar?: string;
  /**
   * OpenAI APIs besides chat completions that the provider serves at its base URL: `embeddings`
   * (`POST /embeddings`) and `responses` (OpenAI's Responses API, `POST /responses`). The daemon's
   * `/v1/embeddings` and `/v1/responses` are forwarded only to connections whose provider lists
   * them. Absent: an OpenAI-format provider serves `embeddings`, and nothing else.
   */
  apis?: ProviderApi[];
  builtIn: boolean;
  /** Known model prices (the catalog's; `prices/set` overrides them). */
  models?: ModelPrice[];
}

/** An OpenAI API besides chat completions that a provider may serve (see {@link Provider.apis}). */
export type ProviderApi = 'embeddings' | 'responses';

/** A model offered by a connection. */
export interface ModelInfo {
  id: string;
  displayName?: string;
  ownedBy?: string;
  /** ISO time the provider says it was created. */
  created?: string;
  /** Tokens of input (prompt + answer) the model accepts, when the catalog knows the model. */
  contextWindow?: number;
  /** Longest answer in tokens, when the catalog knows it. */
  maxOutputTokens?: number;
  /** What the model can do, when the catalog knows the model. */
  capabilities?: ModelCapability[];
}

/** What a model can do: `chat` (and which extras: `tools`, `vision`, `reasoning`), or `embeddings`. */
export type ModelCapability = 'chat' | 'tools' | 'vision' | 'reasoning' | 'embeddings';

/** Token counts as the upstream reported them, or as the daemon estimated them (see `estimated`). */
export interface Usage {
  /** All prompt tokens, cached ones included. */
  inputTokens: number;
  /** All generated tokens, reasoning included. */
  outputTokens: number;
  /**
   * True when the upstream reported no usage (the answer was stopped or cut short, or the server
   * does not report it) but text had streamed: the counts are the daemon's estimate, about four
   * characters per token of the prompt and of the text received. Absent when the upstream reported them.
   */
  estimated?: boolean;
  /** Prompt tokens read from the provider's cache (OpenAI `cached_tokens`, Anthropic `cache_read_input_tokens`). */
  cachedInputTokens?: number;
  /** Prompt tokens written to the cache (Anthropic `cache_creation_input_tokens`). */
  cacheCreationInputTokens?: number;
  /** Output tokens spent on reasoning, when the provider says (OpenAI `reasoning_tokens`). */
  reasoningTokens?: number;
}

/** One row of the usage ledger. */
export interface UsageRecord {
  connectionId: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  model: string;
  /**
   * The tool token the requests were made with (`tokens/*`); absent: the owner (the extension, the
   * CLI, anything holding the owner token or on the Unix socket).
   */
  tokenId?: string;
  /** The tool token's name when the requests were made (kept after it is revoked). */
  tokenName?: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of total request latencies, to derive an average. */
  latencyMsTotal: number;
  /** US dollars spent on the requests whose model had a known price. */
  costUsd: number;
  /** Requests whose model had no known price: their cost is unknown (never counted as zero). */
  unpricedRequests: number;
  /**
   * Requests whose tokens (and so cost) are estimated, not reported by the upstream: stopped or cut
   * answers (see {@link Usage.estimated}). Absent in rows written before it was counted.
   */
  estimatedRequests?: number;
}

/** Sums of usage rows. */
export type UsageTotals = Omit<UsageRecord, 'connectionId' | 'day' | 'model' | 'tokenId' | 'tokenName'>;

/** Usage summed by the keys `usage/get`'s `groupBy` names; the other keys are absent. */
export type UsageGroup = Partial<Pick<UsageRecord, 'connectionId' | 'day' | 'model' | 'tokenId' | 'tokenName'>> & UsageTotals;

/** How much of a connection's budget is spent in its current period. */
export interface BudgetStatus {
  connectionId: string;
  period: 'day' | 'month';
  amount: number;
  spentUsd: number;
  /** Requests in the period whose cost is unknown (no price): the spend may be higher. */
  unpricedRequests: number;
  /** ISO times the period began and ends (UTC). */
  periodStart: string;
  periodEnd: string;
}

/** An entry of the append-only audit log. Never holds a key. */
export interface AuditEntry {
  at: string;
  /** The client name given in `daemon/hello`, or `unknown`. */
  client: string;
  action: 'create' | 'update' | 'delete' | 'setDefault' | 'setKey' | 'clearKey' | 'rotateKey' | 'providerUpsert' | 'providerDelete' | 'settingsUpdate' | 'priceSet' | 'tokenCreate' | 'tokenRevoke';
  connectionId?: string;
  name?: string;
  /** Which fields changed (names only), key fingerprint before/after for key changes. */
  details?: Record<string, unknown>;
}

/** An error as carried inside a result (e.g. a stale model list), shaped like `error.data`. */
export type EmbeddedError = ErrorData & { message: string };
