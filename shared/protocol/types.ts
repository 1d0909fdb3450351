/**
 * Value types several features share (as LSP's `protocol.ts` keeps `Range` and `Position`). A type
 * that belongs to one feature sits beside that feature's methods: `Connection` and `TestResult` in
 * connections.ts, `Provider` and prices in providers.ts, `ModelInfo` in models.ts, usage rows and
 * budgets in usage.ts, `AuditEntry` in audit.ts.
 */
import type { ErrorData } from '../errors';

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

/** An error as carried inside a result (e.g. a stale model list), shaped like `error.data`. */
export type EmbeddedError = ErrorData & { message: string };
