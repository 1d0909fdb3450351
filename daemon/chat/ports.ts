/**
 * What a chat request is, and the ports ChatService calls out through: admission (capacity limits
 * and budgets, implemented in daemon/limits/) and pricing (daemon/pricing/). They live apart from the
 * service so those folders depend on this small file, not on the service that depends on them.
 */
import type { ChatMessage, ChatOptions, RateLimitInfo, Usage } from '../../shared/protocol';
import type { StoredConnection } from '../store/schema';
import type { Caller } from '../tokens/caller';
import type { RequestOrigin } from '../audit/activityAudit';

/** One chat request as every surface hands it to the service (JSON-RPC, the HTTP APIs). */
export interface ChatInput {
  connectionId?: string | undefined;
  workspaceConnectionId?: string | undefined;
  model?: string | undefined;
  messages: ChatMessage[];
  options?: ChatOptions | undefined;
  /**
   * Tokens the request is expected to use, when the caller knows better than the messages say
   * (a forwarded body is not translated into `messages`, so admission cannot count them).
   */
  estimate?: { input: number; output: number; total: number } | undefined;
  /** Who asks: a tool token is held to its connections and its budget, and its usage is recorded under it. */
  caller?: Caller | undefined;
  /** The client's own name for itself, recorded in the ledger's `client` column (e.g. "VS Code chat"). */
  client?: string | undefined;
  /** Where the request came in and who sent it (the audit log names them when the provider refuses the key). */
  origin?: RequestOrigin | undefined;
}

/** What `ChatService.prepare` takes: every request says who asks (no default, so no route can forget). */
export type ChatRequestInput = ChatInput & { caller: Caller };

/** Admission control: capacity limits and budgets, checked before the upstream is called. */
export interface Admission {
  /**
   * Admits a request on `stored` (reserving its estimated tokens), waits its turn when the connection
   * queues, or throws RATE_LIMITED / BUDGET_EXCEEDED. Aborting `signal` while it waits throws CANCELLED.
   */
  admit(stored: StoredConnection, model: string, input: ChatInput, signal: AbortSignal): Promise<AdmissionTicket>;
}

/** A reservation made by {@link Admission.admit}, settled exactly once when the request ends. */
export interface AdmissionTicket {
  /** `usage` is what the upstream reported (absent when it reported none, e.g. on failure). */
  settle(outcome: { usage?: Usage | undefined; error: boolean }): void;
}

/** Prices usage; `null` when the model's price is unknown (never zero). */
export interface Pricing {
  costOf(providerId: string, model: string, usage: Usage): number | null;
}

/**
 * The rate limits one answer reported (ChatService's `onRateLimits`, discovered capacity): the parsed
 * figures, or a function parsing them from the answer's headers, called later and only when those
 * figures are the latest of their connection (most are replaced before anyone reads them).
 * `undefined` when the answer carried none.
 */
export type RateLimitReport = RateLimitInfo | (() => RateLimitInfo | undefined);
