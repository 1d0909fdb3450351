/**
 * One chat completion from request to result, whichever client asked (JSON-RPC `chat/stream`, the
 * OpenAI- or Anthropic-compatible HTTP endpoints): resolve the connection and model, check them,
 * pass admission (capacity limits and budget), run one attempt, record usage and cost, fall back to
 * the next connection when one fails before its first output, and turn every failure into a typed
 * error.
 *
 * What an attempt does is pluggable ({@link Attempt}): {@link ChatService.run} streams through the
 * adapter into a sink of neutral deltas; the HTTP surfaces forward the client's bytes to a
 * same-format connection (daemon/forward/). Resolution, admission, fallbacks and the ledger stay
 * here, in one place, for every kind of attempt.
 */
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type {
  AssistantMessage,
  AssistantPart,
  ChatMessage,
  ChatOptions,
  ChatStreamResult,
  SkippedConnection,
  StreamDelta,
  ToolCall,
  Usage,
} from '../../shared/protocol';
import { modelIdProblem } from '../../shared/rules/inputRules';
import type { ConnectionService } from '../connections/service';
import type { ProviderCatalog } from '../catalog/providerCatalog';
import type { Logger } from '../log';
import type { ProviderAdapter, ResolvedConnection } from '../providers/adapter';
import type { StoredConnection } from '../store/schema';
import { assertConnectionAllowed, type Caller } from '../tokens/caller';
import { estimateStreamedUsage } from './tokenEstimate';
import type { UsageEvent, UsageLedger } from '../usage/ledger';
import { AnswerBuilder } from '../translate/answerBuilder';
import { fallbackChain, isFallbackTrigger } from './fallbacks';
import type { Admission, AdmissionTicket, ChatInput, ChatRequestInput, Pricing, RateLimitReport } from './ports';
import { withGenerationDefaults } from './generationDefaults';
import { connectionDisabled } from '../connections/errors';
import { isEnabled } from '../connections/service';
import type { RequestOrigin } from '../audit/activityAudit';

/**
 * Where the streamed answer goes. A returned promise is awaited before reading more from upstream
 * (backpressure). `index` counts the deltas the sink takes, from 0 with no gaps.
 */
export interface ChatSink {
  /** A piece of answer text. */
  text(index: number, text: string): void | Promise<void>;
  /** Reasoning, signatures and tool-call pieces; a sink without it takes text only. */
  delta?(index: number, delta: Exclude<StreamDelta, { type: 'text' }>): void | Promise<void>;
}

/** What the adapter's attempt adds up to: the whole answer, as the result of `chat/stream` carries it. */
export interface StreamedAnswer {
  text: string;
  finishReason: string;
  stopSequence?: string;
  toolCalls?: ToolCall[];
  reasoning?: string;
  /** Present when the answer holds more than text. */
  content?: AssistantPart[];
  message: AssistantMessage;
}

/** A request checked and ready to send upstream. */
export interface PreparedChat {
  stored: StoredConnection;
  conn: ResolvedConnection;
  model: string;
  input: ChatInput;
}

export interface ChatServiceDeps {
  connections: ConnectionService;
  providers: ProviderCatalog;
  adapterFor: (conn: ResolvedConnection) => ProviderAdapter;
  toSwitchboardError: (
    error: unknown,
    ctx: { conn: ResolvedConnection; model?: string; partialText?: string; phase?: 'models' | 'chat' },
  ) => SwitchboardError;
  ledger: UsageLedger;
  log: Logger;
  admission?: Admission;
  pricing?: Pricing;
  /** Told the rate-limit headers each response carried (parsed, or to parse when needed). */
  onRateLimits?: (connectionId: string, report: RateLimitReport) => void;
  /**
   * Told when the upstream refused the connection's key during a chat: 401 (not accepted; the
   * connection is failing, as a test would find) or 403 (no access to this model or API).
   */
  onKeyRejected?: (
    connectionId: string,
    refusal: { status: 401 | 403; hadKey: boolean; model: string; origin?: RequestOrigin | undefined },
  ) => void;
}

/**
 * One try on one connection: sends the request upstream and streams the answer to the client.
 * It reports what it sees on `progress` (first output, usage, rate limits) and throws on failure —
 * a SwitchboardError, or anything the connection's error mapping understands. Once it called
 * `progress.output()` the client has seen part of the answer and no fallback is tried.
 */
export type Attempt<T> = (prepared: PreparedChat, progress: AttemptProgress, signal: AbortSignal) => Promise<T>;

/** What one attempt has done so far; read by the ledger, the fallback decision and the error mapping. */
export class AttemptProgress {
  readonly startedAt = performance.now();
  /** Milliseconds from the start to the first output; null until then. */
  firstTokenMs: number | null = null;
  /** Usage as the upstream reported it (the last report wins). */
  usage: Usage | undefined;
  /** Text that reached the client, for the error of an attempt cut short. */
  partialText = '';
  /**
   * Characters of answer text that reached the client: what usage is estimated from when the
   * upstream reports none (a stopped answer). An attempt adds them as it streams.
   */
  outputChars = 0;

  constructor(readonly rateLimits: (report: RateLimitReport) => void) {}

  /** Output is reaching the client: from now on this attempt cannot be replaced by a fallback. */
  output(): void {
    if (this.firstTokenMs === null) this.firstTokenMs = performance.now() - this.startedAt;
  }

  get startedOutput(): boolean {
    return this.firstTokenMs !== null;
  }
}

/** A request that succeeded: what its attempt returned, on which connection, at what cost. */
export interface Attempted<T> {
  value: T;
  /** The connection and model that answered (a fallback's, when the first failed). */
  prepared: PreparedChat;
  usage?: Usage | undefined;
  latency: { firstTokenMs: number | null; totalMs: number };
  /** Undefined without usage; null when the model's price is unknown. */
  costUsd?: number | null | undefined;
  /** Connections tried or passed over before the one that answered. */
  skipped?: SkippedConnection[];
}

/** A failed attempt, and whether any output had reached the client before it failed. */
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
  prepare(input: ChatRequestInput): PreparedChat {
    const { connection: stored } = this.deps.connections.resolve(input.connectionId, input.workspaceConnectionId);
    return this.prepareOn(stored, input.model, input);
  }

  /**
   * Streams a prepared request into the sink through the connection's adapter, trying the
   * connection's fallbacks in order when it fails before its first token. Rejects with a
   * SwitchboardError; CANCELLED when `signal` aborts.
   */
  async run(prepared: PreparedChat, sink: ChatSink, signal: AbortSignal): Promise<ChatStreamResult> {
    const attempt = this.adapterAttempt(sink);
    const done = await this.runWith(prepared, () => attempt, signal);
    const { value, usage, prepared: used, latency, costUsd, skipped } = done;
    return {
      ...value,
      ...(usage && { usage }),
      connectionId: used.conn.id,
      connectionName: used.stored.name,
      model: used.model,
      latency,
      ...(costUsd !== undefined && { costUsd }),
      ...(skipped && { skipped }),
    };
  }

  /** The adapter's attempt streaming into `sink`, for a surface that picks it per connection in {@link runWith}. */
  adapterAttempt(sink: ChatSink): Attempt<StreamedAnswer> {
    return (prepared, progress, signal) => this.streamAdapter(prepared, sink, progress, signal);
  }

  /**
   * Runs a prepared request with the attempt `attemptFor` picks for each connection tried (the
   * first, then its fallbacks in order while attempts fail before their first output), through
   * admission and the ledger. Rejects with a SwitchboardError; CANCELLED when `signal` aborts.
   */
  async runWith<T>(
    prepared: PreparedChat,
    attemptFor: (prepared: PreparedChat) => Attempt<T>,
    signal: AbortSignal,
  ): Promise<Attempted<T>> {
    const skipped: SkippedConnection[] = [];
    const chain = fallbackChain(prepared.stored, (id) => this.deps.connections.find(id));
    let attempt = prepared;
    for (;;) {
      try {
        const result = await this.runOnce(attempt, attemptFor(attempt), signal);
        return skipped.length > 0 ? { ...result, skipped } : result;
      } catch (caught) {
        // runOnce wraps every failure of the attempt; anything else is a fault of ours, passed on as it is.
        if (!(caught instanceof AttemptFailed)) throw caught;
        const error = caught.error;
        if (caught.startedOutput || signal.aborted || !isFallbackTrigger(error)) throw withSkipped(error, skipped);
        // This attempt is listed before the fallbacks passed over while looking for the next one.
        const tried =
          skipped.push({
            connectionId: attempt.stored.id,
            name: attempt.stored.name,
            model: attempt.model,
            code: error.code,
            message: error.message,
          }) - 1;
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
  private nextFallback(
    chain: Iterator<{ stored: StoredConnection; model?: string }>,
    input: ChatInput,
    skipped: SkippedConnection[],
  ): PreparedChat | undefined {
    for (let step = chain.next(); !step.done; step = chain.next()) {
      const { stored, model } = step.value;
      try {
        return this.prepareOn(stored, model, { ...input, connectionId: stored.id });
      } catch (error) {
        if (!(error instanceof SwitchboardError)) throw error;
        skipped.push({
          connectionId: stored.id,
          name: stored.name,
          model: model ?? stored.defaultModel ?? '',
          code: error.code,
          message: error.message,
        });
      }
    }
    return undefined;
  }

  private prepareOn(stored: StoredConnection, requestedModel: string | undefined, input: ChatInput): PreparedChat {
    // First, so a token learns nothing about a connection outside its scope; a fallback refused here is skipped.
    if (input.caller) assertConnectionAllowed(input.caller, stored);
    // Switched off: a fallback is passed over (listed in `skipped`), a request naming it fails.
    if (!isEnabled(stored)) throw connectionDisabled(stored);
    const model = requestedModel ?? stored.defaultModel;
    if (model === undefined) {
      throw new SwitchboardError(
        ErrorCode.VALIDATION,
        `model: connection "${stored.name}" has no default model and the request named none.`,
        {
          hint: "Name a model in the request, or set the connection's default model (models/list shows what it offers).",
          field: 'model',
          connectionId: stored.id,
        },
      );
    }
    // The /v1 API's `model`, and defaults stored before the rule, reach here without the protocol's ModelId check.
    const modelProblem = modelIdProblem(model);
    if (modelProblem) {
      throw new SwitchboardError(ErrorCode.VALIDATION, `model: ${JSON.stringify(model)} ${modelProblem}.`, {
        hint:
          requestedModel === undefined
            ? `Correct the default model of connection "${stored.name}".`
            : 'Name the model as the provider spells it: model ids have no spaces or control characters.',
        field: 'model',
        connectionId: stored.id,
      });
    }
    if (stored.allowedModels !== undefined && !stored.allowedModels.includes(model)) {
      throw new SwitchboardError(
        ErrorCode.MODEL_NOT_ALLOWED,
        `Model "${model}" is not allowed on connection "${stored.name}".`,
        {
          hint: `Use one of: ${stored.allowedModels.join(', ') || '(none)'} — or edit the connection's allowed models.`,
          model,
          connectionId: stored.id,
        },
      );
    }
    const conn = this.deps.connections.upstreamFor(stored);
    return { stored, conn, model, input };
  }

  /** One attempt on one connection, between admission and the ledger. Throws {@link AttemptFailed}. */
  private async runOnce<T>(prepared: PreparedChat, attempt: Attempt<T>, signal: AbortSignal): Promise<Attempted<T>> {
    const { conn, model, input, stored } = prepared;
    const progress = new AttemptProgress((report) => this.deps.onRateLimits?.(conn.id, report));
    let ticket: AdmissionTicket | undefined;
    let value: T;
    try {
      if (this.deps.admission) ticket = await this.deps.admission.admit(stored, model, input, signal);
      this.deps.connections.markUsed(stored.id);
      value = await attempt(prepared, progress, signal);
      if (signal.aborted) throw signal.reason ?? new Error('aborted');
    } catch (error) {
      const partialText = progress.partialText;
      const mapped =
        error instanceof SwitchboardError
          ? error
          : this.deps.toSwitchboardError(error, { conn, model, partialText, phase: 'chat' });
      if (partialText && mapped.data.partialText === undefined) mapped.data.partialText = partialText;
      if (mapped.code === ErrorCode.INVALID_API_KEY || mapped.code === ErrorCode.FORBIDDEN)
        this.deps.onKeyRejected?.(conn.id, {
          status: mapped.code === ErrorCode.INVALID_API_KEY ? 401 : 403,
          hadKey: conn.apiKey !== undefined && conn.apiKey !== '',
          model,
          origin: input.origin,
        });
      // A request refused by admission never reached the upstream: it is not usage.
      if (ticket || !this.deps.admission) {
        const usage = spentOf(progress, input);
        const costUsd = this.costOf(stored, model, usage);
        ticket?.settle({ usage, error: true });
        // A stop (chat/cancel, the client leaving) is the user's choice, not a failure of the connection.
        const failed = mapped.code !== ErrorCode.CANCELLED;
        this.deps.ledger.record(
          usageEvent(conn.id, model, input, performance.now() - progress.startedAt, failed, usage, costUsd),
        );
        if (usage) {
          mapped.data.usage = usage;
          if (costUsd !== undefined) mapped.data.costUsd = costUsd;
        }
      }
      throw new AttemptFailed(mapped, progress.startedOutput);
    }
    const usage = spentOf(progress, input);
    const totalMs = performance.now() - progress.startedAt;
    const costUsd = this.costOf(stored, model, usage);
    ticket?.settle({ usage, error: false });
    this.deps.ledger.record(usageEvent(conn.id, model, input, totalMs, false, usage, costUsd));
    const firstTokenMs = progress.firstTokenMs;
    return {
      value,
      prepared,
      usage,
      latency: {
        firstTokenMs: firstTokenMs === null ? null : Math.round(firstTokenMs * 10) / 10,
        totalMs: Math.round(totalMs * 10) / 10,
      },
      costUsd,
    };
  }

  /** The adapter's attempt: streams neutral deltas into the sink; returns the whole answer. */
  private async streamAdapter(
    prepared: PreparedChat,
    sink: ChatSink,
    progress: AttemptProgress,
    signal: AbortSignal,
  ): Promise<StreamedAnswer> {
    const { conn, model, input } = prepared;
    let index = 0;
    const answer = new AnswerBuilder();
    let finishReason = 'stop';
    let stopSequence: string | undefined;
    try {
      const adapter = this.deps.adapterFor(conn);
      // This connection's defaults (a fallback's own) where the request set nothing.
      const options = withGenerationDefaults(input.options, prepared.stored.generationDefaults);
      for await (const chunk of adapter.stream(
        conn,
        { model, messages: input.messages, ...(options && { options }) },
        signal,
      )) {
        switch (chunk.type) {
          case 'deltas':
            // Any delta counts as output, sent to this sink or not: a fallback now could repeat or contradict it.
            progress.output();
            for (const d of chunk.deltas) {
              answer.add(d);
              let pending: void | Promise<void> = undefined;
              if (d.type === 'text') {
                progress.outputChars += d.text.length;
                pending = sink.text(index++, d.text);
              } else if (sink.delta) pending = sink.delta(index++, d);
              if (pending) await pending;
            }
            break;
          case 'usage':
            progress.usage = chunk.usage;
            break;
          case 'finish':
            finishReason = chunk.reason;
            stopSequence = chunk.stopSequence;
            break;
          case 'rateLimits':
            progress.rateLimits(chunk.info);
            break;
        }
      }
    } catch (error) {
      progress.partialText = answer.text();
      throw error;
    }
    const content = answer.parts();
    const reasoning = content
      .filter((p) => p.type === 'reasoning')
      .map((p) => p.text)
      .join('');
    const toolCalls = answer.toolCalls.filter(Boolean);
    return {
      text: answer.text(),
      finishReason,
      ...(stopSequence !== undefined && { stopSequence }),
      ...(toolCalls.length > 0 && { toolCalls }),
      ...(reasoning !== '' && { reasoning }),
      ...(content.some((p) => p.type !== 'text') && { content }),
      message: answer.message(),
    };
  }

  /** Undefined without usage (nothing to price); null when the price is unknown. */
  private costOf(stored: StoredConnection, model: string, usage: Usage | undefined): number | null | undefined {
    if (!usage || !this.deps.pricing) return undefined;
    return this.deps.pricing.costOf(stored.provider, model, usage);
  }
}

/**
 * What an attempt used: the usage the upstream reported, else — when text streamed (and was
 * billed) without a report, as when the client stops the answer — an estimate marked as one.
 */
function spentOf(progress: AttemptProgress, input: ChatInput): Usage | undefined {
  if (progress.usage) return progress.usage;
  return progress.outputChars > 0 ? estimateStreamedUsage(input, progress.outputChars) : undefined;
}

/**
 * The ledger's record of one attempt: under the tool token it was made with (none for the owner)
 * and the client's name when it gave one; its tokens, flagged when they are an estimate. Made
 * with every member present, absent ones undefined, so every event has one shape (an object built
 * with spreads gets a shape per combination, and its members are then written through V8's slow path).
 */
function usageEvent(
  connectionId: string,
  model: string,
  input: ChatInput,
  latencyMs: number,
  error: boolean,
  usage: Usage | undefined,
  costUsd: number | null | undefined,
): UsageEvent {
  const caller = input.caller;
  return {
    connectionId,
    model,
    token: caller?.kind === 'tool' ? { id: caller.tokenId, name: caller.name } : undefined,
    client: input.client,
    latencyMs,
    error,
    inputTokens: usage?.inputTokens,
    outputTokens: usage?.outputTokens,
    estimated: usage?.estimated === true ? true : undefined,
    costUsd,
  };
}

/** The error that ends a run, carrying the connections skipped before it. */
function withSkipped(error: SwitchboardError, skipped: SkippedConnection[]): SwitchboardError {
  if (skipped.length > 0) error.data.skipped = skipped;
  return error;
}
