/**
 * One chat completion from request to result, whichever client asked (JSON-RPC `chat/stream` or the
 * OpenAI-compatible HTTP endpoint): resolve the connection and model, check them, stream through the
 * adapter into a sink, record usage, and turn every failure into a typed error.
 */
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { ChatMessage, ChatOptions, ChatStreamResult, Usage } from '../../shared/protocol';
import type { ConnectionService } from '../connections/service';
import type { ProviderCatalog } from '../connections/providerCatalog';
import { toResolved } from '../connections/upstream';
import type { Logger } from '../log';
import type { ProviderAdapter, RateLimitInfo, ResolvedConnection } from '../providers/adapter';
import type { StoredConnection } from '../store/schema';
import type { UsageLedger } from '../usage/ledger';

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

export interface ChatServiceDeps {
  connections: ConnectionService;
  providers: ProviderCatalog;
  adapterFor: (conn: ResolvedConnection) => ProviderAdapter;
  toSwitchboardError: (error: unknown, ctx: { conn: ResolvedConnection; model?: string; partialText?: string; phase?: 'models' | 'chat' }) => SwitchboardError;
  ledger: UsageLedger;
  log: Logger;
  /** Told the rate-limit headers each response carried. */
  onRateLimits?: (connectionId: string, info: RateLimitInfo) => void;
}

export class ChatService {
  constructor(private readonly deps: ChatServiceDeps) {}

  /** Resolves connection, model and key, or throws the typed error that says what to fix. */
  prepare(input: ChatInput): PreparedChat {
    const { connection: stored } = this.deps.connections.resolve(input.connectionId, input.workspaceConnectionId);
    const model = input.model ?? stored.defaultModel;
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
    const conn = toResolved(stored, provider, this.deps.connections.keyFor(stored));
    return { stored, conn, model, input };
  }

  /** Streams a prepared request into the sink. Rejects with a SwitchboardError; CANCELLED when `signal` aborts. */
  async run(prepared: PreparedChat, sink: ChatSink, signal: AbortSignal): Promise<ChatStreamResult> {
    const { conn, model, input } = prepared;
    const started = performance.now();
    let firstTokenMs: number | null = null;
    let index = 0;
    const parts: string[] = [];
    let usage: Usage | undefined;
    let finishReason = 'stop';
    try {
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
      this.deps.ledger.record({ connectionId: conn.id, model, latencyMs: performance.now() - started, error: true, ...(usage && { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens }) });
      throw mapped;
    }
    const totalMs = performance.now() - started;
    this.deps.ledger.record({ connectionId: conn.id, model, latencyMs: totalMs, error: false, ...(usage && { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens }) });
    return {
      text: parts.join(''),
      finishReason,
      ...(usage && { usage }),
      connectionId: conn.id,
      model,
      latency: { firstTokenMs: firstTokenMs === null ? null : Math.round(firstTokenMs * 10) / 10, totalMs: Math.round(totalMs * 10) / 10 },
    };
  }
}
