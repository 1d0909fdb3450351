/**
 * One chat completion from request to result, whichever client asked (JSON-RPC `chat/stream` or the
 * OpenAI-compatible HTTP endpoint): resolve the connection and model, check them, pass admission
 * (capacity limits and budget), stream through the adapter into a sink, record usage and cost, fall
 * back to the next connection when one fails before its first token, and turn every failure into a
 * typed error.
 */
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { ChatMessage, ChatOptions, ChatStreamResult, SkippedConnection, Usage } from '../../shared/protocol';
import type { ConnectionService } from '../connections/service';
import type { ProviderCatalog } from '../connections/providerCatalog';
import { toResolved } from '../connections/upstream';
import type { Logger } from '../log';
import type { ProviderAdapter, RateLimitInfo, ResolvedConnection } from '../providers/adapter';
import type { StoredConnection } from '../store/schema';
import type { UsageLedger } from '../usage/ledger';
import { fallbackChain, isFallbackTrigger } from './fallbacks';

export interface ChatInput {
  connectionId?: string;
  workspaceConnectionId?: string;
  model?: string;
  messages: ChatMessage[];
  options?: ChatOptions;
}

/** Where streamed text goes. A returned promise is awaited before reading more from upstream (backpressure). */
export interface ChatSink {
  text(index: number, text: string): void | Promise<void>;
}

/** A request checked and ready to send upstream. */
export interface PreparedChat {
  stored: StoredConnection;
  conn: ResolvedConnection;
  model: string;
  input: ChatInput;
}

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
  settle(outcome: { usage?: Usage; error: boolean }): void;
}

/** Prices usage; `null` when the model's price is unknown (never zero). */
export interface Pricing {
  costOf(providerId: string, model: string, usage: Usage): number | null;
}

export interface ChatServiceDeps {
  connections: ConnectionService;
  providers: ProviderCatalog;
  adapterFor: (conn: ResolvedConnection) => ProviderAdapter;
  toSwitchboardError: (error: unknown, ctx: { conn: ResolvedConnection; model?: string; partialText?: string; phase?: 'models' | 'chat' }) => SwitchboardError;
  ledger: UsageLedger;
  log: Logger;
  admission?: Admission;
  pricing?: Pricing;
  /** Told the rate-limit headers each response carried. */
  onRateLimits?: (connectionId: string, info: RateLimitInfo) => void;
}

/** A failed attempt, and whether any text had reached the sink before it failed. */
class AttemptFailed extends Error {
  constructor(
    readonly error: SwitchboardError,
    readonly startedOutput: boolean,
  ) {
    super(error.message);
  }
}

export class ChatService {
  constructor(private readonly deps: ChatServiceDeps) {}

  /** Resolves connection, model and key, or throws the typed error that says what to fix. */
  prepare(input: ChatInput): PreparedChat {
    const { connection: stored } = this.deps.connections.resolve(input.connectionId, input.workspaceConnectionId);
    return this.prepareOn(stored, input.model, input);
  }

  /**
   * Streams a prepared request into the sink, trying the connection's fallbacks in order when it fails
   * before its first token. Rejects with a SwitchboardError; CANCELLED when `signal` aborts.
   */
  async run(prepared: PreparedChat, sink: ChatSink, signal: AbortSignal): Promise<ChatStreamResult> {
    const skipped: SkippedConnection[] = [];
    const chain = fallbackChain(prepared.stored, (id) => this.deps.connections.find(id));
    let attempt = prepared;
    for (;;) {
      try {
        const result = await this.runOnce(attempt, sink, signal);
        return skipped.length > 0 ? { ...result, skipped } : result;
      } catch (caught) {
        // runOnce wraps every failure of the attempt; anything else is a fault of ours, passed on as it is.
        if (!(caught instanceof AttemptFailed)) throw caught;
        const error = caught.error;
        if (caught.startedOutput || signal.aborted || !isFallbackTrigger(error)) throw withSkipped(error, skipped);
        // This attempt is listed before the fallbacks passed over while looking for the next one.
        const tried = skipped.push({ connectionId: attempt.stored.id, name: attempt.stored.name, model: attempt.model, code: error.code, message: error.message }) - 1;
        const next = this.nextFallback(chain, prepared.input, skipped);
        if (!next) {
          skipped.splice(tried, 1); // the error thrown is this attempt's own
          throw withSkipped(error, skipped);
        }
        this.deps.log.info('falling back', { from: attempt.stored.name, to: next.stored.name, code: error.code });
        attempt = next;
      }
    }
  }

  /** The next fallback that can be prepared; ones that cannot (no key, no model) are recorded as skipped. */
  private nextFallback(chain: Iterator<{ stored: StoredConnection; model?: string }>, input: ChatInput, skipped: SkippedConnection[]): PreparedChat | undefined {
    for (let step = chain.next(); !step.done; step = chain.next()) {
      const { stored, model } = step.value;
      try {
        return this.prepareOn(stored, model, { ...input, connectionId: stored.id });
      } catch (error) {
        if (!(error instanceof SwitchboardError)) throw error;
        skipped.push({ connectionId: stored.id, name: stored.name, model: model ?? stored.defaultModel ?? '', code: error.code, message: error.message });
      }
    }
    return undefined;
  }

  private prepareOn(stored: StoredConnection, requestedModel: string | undefined, input: ChatInput): PreparedChat {
    const model = requestedModel ?? stored.defaultModel;
    if (model === undefined) {
      throw new SwitchboardError(ErrorCode.VALIDATION, `model: connection "${stored.name}" has no default model and the request named none.`, {
        hint: 'Name a model in the request, or set the connection\'s default model (models/list shows what it offers).',
        field: 'model',
        connectionId: stored.id,
      });
    }
    if (stored.allowedModels !== undefined && !stored.allowedModels.includes(model)) {
      throw new SwitchboardError(ErrorCode.MODEL_NOT_ALLOWED, `Model "${model}" is not allowed on connection "${stored.name}".`, {
        hint: `Use one of: ${stored.allowedModels.join(', ') || '(none)'} — or edit the connection's allowed models.`,
        model,
        connectionId: stored.id,
      });
    }
    const provider = this.deps.providers.require(stored.provider);
    const conn = toResolved(stored, provider, this.deps.connections.keyFor(stored), this.deps.connections.headerSecretsFor(stored));
    return { stored, conn, model, input };
  }

  /** One attempt on one connection. Throws {@link AttemptFailed}. */
  private async runOnce(prepared: PreparedChat, sink: ChatSink, signal: AbortSignal): Promise<ChatStreamResult> {
    const { conn, model, input, stored } = prepared;
    const started = performance.now();
    let firstTokenMs: number | null = null;
    let index = 0;
    const parts: string[] = [];
    let usage: Usage | undefined;
    let finishReason = 'stop';
    let ticket: AdmissionTicket | undefined;
    try {
      if (this.deps.admission) ticket = await this.deps.admission.admit(stored, model, input, signal);
      const adapter = this.deps.adapterFor(conn);
      for await (const chunk of adapter.stream(conn, { model, messages: input.messages, ...(input.options && { options: input.options }) }, signal)) {
        switch (chunk.type) {
          case 'text': {
            if (firstTokenMs === null) firstTokenMs = performance.now() - started;
            parts.push(chunk.text);
            const pending = sink.text(index++, chunk.text);
            if (pending) await pending;
            break;
          }
          case 'texts':
            if (firstTokenMs === null) firstTokenMs = performance.now() - started;
            for (const text of chunk.texts) {
              parts.push(text);
              const pending = sink.text(index++, text);
              if (pending) await pending;
            }
            break;
          case 'usage':
            usage = chunk.usage;
            break;
          case 'finish':
            finishReason = chunk.reason;
            break;
          case 'rateLimits':
            this.deps.onRateLimits?.(conn.id, chunk.info);
            break;
        }
      }
      if (signal.aborted) throw signal.reason ?? new Error('aborted');
    } catch (error) {
      const partialText = parts.join('');
      const mapped = error instanceof SwitchboardError ? error : this.deps.toSwitchboardError(error, { conn, model, partialText, phase: 'chat' });
      if (partialText && mapped.data.partialText === undefined) mapped.data.partialText = partialText;
      // A request refused by admission never reached the upstream: it is not usage.
      if (ticket || !this.deps.admission) {
        const costUsd = this.costOf(stored, model, usage);
        ticket?.settle({ ...(usage && { usage }), error: true });
        // A stop (chat/cancel, the client leaving) is the user's choice, not a failure of the connection.
        const failed = mapped.code !== ErrorCode.CANCELLED;
        this.deps.ledger.record({ connectionId: conn.id, model, latencyMs: performance.now() - started, error: failed, ...(usage && { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens }), ...(costUsd !== undefined && { costUsd }) });
      }
      throw new AttemptFailed(mapped, index > 0);
    }
    const totalMs = performance.now() - started;
    const costUsd = this.costOf(stored, model, usage);
    ticket?.settle({ ...(usage && { usage }), error: false });
    this.deps.ledger.record({ connectionId: conn.id, model, latencyMs: totalMs, error: false, ...(usage && { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens }), ...(costUsd !== undefined && { costUsd }) });
    return {
      text: parts.join(''),
      finishReason,
      ...(usage && { usage }),
      connectionId: conn.id,
      connectionName: stored.name,
      model,
      latency: { firstTokenMs: firstTokenMs === null ? null : Math.round(firstTokenMs * 10) / 10, totalMs: Math.round(totalMs * 10) / 10 },
      ...(costUsd !== undefined && { costUsd }),
    };
  }

  /** Undefined without usage (nothing to price); null when the price is unknown. */
  private costOf(stored: StoredConnection, model: string, usage: Usage | undefined): number | null | undefined {
    if (!usage || !this.deps.pricing) return undefined;
    return this.deps.pricing.costOf(stored.provider, model, usage);
  }
}

/** The error that ends a run, carrying the connections skipped before it. */
function withSkipped(error: SwitchboardError, skipped: SkippedConnection[]): SwitchboardError {
  if (skipped.length > 0) error.data.skipped = skipped;
  return error;
}
