/**
 * The client side of one `chat/stream`: orders `chat/delta` notifications by `index`, buffers them
 * until the consumer reads (so none is lost before iteration starts), and ends with the response.
 */
import { ErrorCode, SwitchboardError } from '../errors';
import type { ChatDeltaParams, ChatStreamResult, StreamDelta } from '../protocol';
import { cancelledError } from './errors';

/**
 * A running completion. Iterate it for the text deltas in order; await `result` for the final answer.
 * Iterating is optional and can start late: deltas are buffered until read. The iterator throws what
 * the stream failed with (a `SwitchboardError`, e.g. `CANCELLED` or `INCOMPLETE` with `partialText`).
 * Breaking out of a `for await` loop before the end cancels the stream.
 */
export interface ChatReply<T = string> extends AsyncIterable<T> {
  /** The id the deltas and `chat/cancel` refer to. */
  readonly streamId: string;
  /** The final result: resolves when the daemon answers `chat/stream`, rejects with its error. */
  readonly result: Promise<ChatStreamResult>;
  /**
   * Stops the stream: sends `chat/cancel` and ends it here at once with a `CANCELLED`
   * `SwitchboardError` whose `partialText` holds the text received so far. No-op once ended.
   */
  cancel(): void;
}

/**
 * A running completion read as typed deltas ({@link SwitchboardClient.chatEvents}): text, reasoning,
 * reasoning signatures and tool calls with their argument pieces, in order. `result` holds the
 * whole answer: text, `toolCalls`, reasoning with signatures, and the `message` to send back.
 */
export type ChatEventReply = ChatReply<StreamDelta>;

type Outcome = { ok: true } | { ok: false; error: unknown };

/** A delta the consumer does not read (e.g. reasoning, for a text-only reader): it still takes its index. */
const SKIP = Symbol('skip');

/** A `chat/delta` as a text reader sees it: its text, or SKIP. */
export function asText(delta: ChatDeltaParams): string | typeof SKIP {
  return 'text' in delta ? delta.text : SKIP;
}

/** A `chat/delta` as a typed reader sees it. */
export function asEvent(delta: ChatDeltaParams): StreamDelta {
  if (!('type' in delta)) return { type: 'text', text: delta.text };
  const { streamId: _s, index: _i, ...event } = delta;
  return event as StreamDelta;
}

/** Options of a {@link ChatReplyController}. */
export interface ChatReplyControllerOptions {
  /** Fails the stream with TIMEOUT when nothing arrives for this long; 0 disables. */
  idleTimeoutMs: number;
  /** Called once when the stream ends here before the daemon answered (cancel or idle timeout). */
  stop: () => void;
  /** Called once when the stream ends, however it ends. */
  settled: () => void;
}

/** Implements {@link ChatReply}; the client feeds it deltas and the response. */
export class ChatReplyController<T = string> implements ChatReply<T> {
  readonly result: Promise<ChatStreamResult>;
  private resolveResult!: (result: ChatStreamResult) => void;
  private rejectResult!: (error: unknown) => void;
  /** Deltas that arrived ahead of a missing index. */
  private readonly early = new Map<number, T | typeof SKIP>();
  /** In-order deltas not yet read; `head` avoids an O(n) shift per read. */
  private ready: T[] = [];
  private head = 0;
  private nextIndex = 0;
  private received = '';
  private outcome: Outcome | undefined;
  private wake: (() => void) | undefined;
  private iterated = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly streamId: string,
    private readonly opts: ChatReplyControllerOptions,
    /** What the consumer reads of each delta (SKIP: nothing, but the index is taken). */
    private readonly read: (delta: ChatDeltaParams) => T | typeof SKIP = asText as unknown as (
      delta: ChatDeltaParams,
    ) => T | typeof SKIP,
  ) {
    this.result = new Promise((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    // A consumer that only iterates never looks at `result`; its rejection must not be "unhandled".
    // Callers who await it still see the rejection.
    this.result.catch(() => undefined);
    this.armIdleTimer();
  }

  /** Text received in order so far. */
  get text(): string {
    return this.received;
  }

  /** Accepts one `chat/delta`. Duplicates and deltas after the end are ignored. */
  accept(delta: ChatDeltaParams): void {
    const index = delta.index;
    if (this.outcome || index < this.nextIndex || this.early.has(index)) return;
    if ('text' in delta) this.pendingText.set(index, delta.text);
    this.early.set(index, this.read(delta));
    let piece: T | typeof SKIP | undefined;
    while ((piece = this.early.get(this.nextIndex)) !== undefined) {
      this.early.delete(this.nextIndex);
      this.take(this.nextIndex++, piece);
    }
    this.armIdleTimer();
  }

  /** Accepts a text delta (what `accept` does with `{streamId, index, text}`). */
  push(index: number, text: string): void {
    this.accept({ streamId: this.streamId, index, text });
  }

  /** Text of deltas not yet in order, by index, for `received`. */
  private readonly pendingText = new Map<number, string>();

  private take(index: number, piece: T | typeof SKIP): void {
    const text = this.pendingText.get(index);
    if (text !== undefined) {
      this.pendingText.delete(index);
      this.received += text;
    }
    if (piece !== SKIP) this.deliver(piece);
    else this.poke();
  }

  /** The daemon answered `chat/stream` successfully. */
  finish(result: ChatStreamResult): void {
    if (this.outcome) return;
    // The daemon sends no gaps, and its deltas precede its response on the same socket; if one went
    // missing anyway, deliver what did arrive rather than hold it back forever.
    for (const index of [...this.early.keys()].sort((a, b) => a - b)) this.take(index, this.early.get(index)!);
    this.early.clear();
    this.settle({ ok: true });
    this.resolveResult(result);
  }

  /** The stream failed (daemon error, connection lost, timeout). */
  fail(error: unknown): void {
    if (this.outcome) return;
    // The daemon attaches partialText to INCOMPLETE/CANCELLED; fill it in when it could not (e.g. the
    // connection dropped) so callers always find what they already showed. Mutated, not rebuilt, so a
    // subclass such as DaemonUnavailableError keeps its type; each error here is made for this call.
    if (error instanceof SwitchboardError && error.data.partialText === undefined)
      error.data.partialText = this.received;
    this.settle({ ok: false, error });
    this.rejectResult(error);
  }

  cancel(): void {
    if (this.outcome) return;
    this.fail(cancelledError('chat/stream', this.received));
    this.opts.stop();
  }

  /** Ends the stream here because nothing arrived in time. */
  private idle(): void {
    if (this.outcome) return;
    const ms = this.opts.idleTimeoutMs;
    this.fail(
      new SwitchboardError(ErrorCode.TIMEOUT, `The chat stream received nothing for ${ms} ms.`, {
        hint: 'The provider or the daemon stalled; try again, or raise idleTimeoutMs.',
        partialText: this.received,
      }),
    );
    this.opts.stop();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    // One reader: a second would silently steal half the deltas.
    if (this.iterated) throw new Error('A ChatReply can be iterated only once.');
    this.iterated = true;
    try {
      for (;;) {
        if (this.head < this.ready.length) {
          const piece = this.ready[this.head]!;
          this.ready[this.head++] = undefined as T;
          yield piece;
          continue;
        }
        this.ready = [];
        this.head = 0;
        if (this.outcome) {
          if (!this.outcome.ok) throw this.outcome.error;
          return;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      // The consumer stopped reading before the end (break, return, throw): nobody wants the rest.
      this.cancel();
    }
  }

  private deliver(piece: T): void {
    this.ready.push(piece);
    this.poke();
  }

  private settle(outcome: Outcome): void {
    this.outcome = outcome;
    clearTimeout(this.idleTimer);
    this.poke();
    this.opts.settled();
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private armIdleTimer(): void {
    if (this.opts.idleTimeoutMs <= 0) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.idle(), this.opts.idleTimeoutMs);
  }
}
