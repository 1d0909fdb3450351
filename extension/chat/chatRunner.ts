/**
 * Runs the window's chat answers: one `chat/stream` per running answer and at most one per chat,
 * whichever view (sidebar or editor tab) started it, so every view showing the chat follows it and
 * any of them can stop it. No `vscode` import: unit-tested with a scripted daemon.
 *
 * - Each stream gets a fresh `streamId`; `chat/delta` notifications for it are put in index order
 *   and batched (every {@link DEFAULT_BATCH_MS} ms) into `onDelta` events: a fast model produces
 *   hundreds of deltas a second, each a postMessage and a repaint otherwise.
 * - The response closes the answer: its text is authoritative, its facts become the turn's `meta`.
 * - Stop sends `chat/cancel`; the daemon answers the stream with CANCELLED and the text so far, which
 *   is kept and marked `stopped`. If the daemon cannot be told (it is gone), the answer is marked
 *   stopped here after {@link DEFAULT_CANCEL_GRACE_MS} ms anyway.
 * - A failure keeps whatever text streamed and shows the error with the actions that fix it.
 */
import { randomUUID } from 'node:crypto';
import { ChatCancel, ChatStream, type ChatStreamParams, type ChatStreamResult, type RequestType } from '../../shared/protocol';
import type { ChatAnswerMeta, ChatSession, ChatTurn } from '../../shared/webview';
import { codeOf, partialTextOf, toChatError } from './chatErrors';
import type { ChatStore } from './chatStore';
import { DEFAULT_TITLE } from './chatStore';
import { Emitter, type Disposable, type Listen } from './emitter';
import { buildMessages, titleFrom, type OutgoingMessage } from './prompt';
import type { StreamTarget } from './target';

/** How often streamed text is handed to the views. */
export const DEFAULT_BATCH_MS = 30;
/** How long a stop waits for the daemon's CANCELLED before marking the answer stopped itself. */
export const DEFAULT_CANCEL_GRACE_MS = 5_000;
/**
 * The request timeout of `chat/stream`. A stream is bounded by the daemon (the connection's idle
 * timeout, stop, the socket closing); this only catches a daemon that went silent. The client's
 * default (30 s) would cut long answers.
 */
export const STREAM_REQUEST_TIMEOUT_MS = 60 * 60_000;

type AssistantTurn = Extract<ChatTurn, { role: 'assistant' }>;

export interface ChatRunnerDeps {
  request<P, R>(descriptor: RequestType<P, R>, params: P, opts?: { timeoutMs?: number }): Promise<R>;
  /** Subscribes to the daemon's `chat/delta` notifications. */
  onDelta: Listen<{ streamId: string; index: number; text: string }>;
  store: ChatStore;
  batchMs?: number;
  cancelGraceMs?: number;
}

/** A chat changed (turn added, text finished, stopped, failed); `busy` while an answer streams. */
export interface ChatChange {
  chat: ChatSession;
  busy: boolean;
}

/** Streamed text to append to an answer. */
export interface ChatDeltaEvent {
  chatId: string;
  turnId: string;
  text: string;
}

interface Running {
  chat: ChatSession;
  turn: AssistantTurn;
  streamId: string;
  nextIndex: number;
  /** Deltas that arrived ahead of a missing index. */
  early: Map<number, string>;
  /** In-order text not yet handed to the views. */
  pending: string;
  flushTimer?: ReturnType<typeof setTimeout>;
  graceTimer?: ReturnType<typeof setTimeout>;
  stopping: boolean;
  settled: boolean;
}

export class ChatRunner implements Disposable {
  private readonly byChat = new Map<string, Running>();
  private readonly byStream = new Map<string, Running>();
  private readonly changeEmitter = new Emitter<ChatChange>();
  private readonly deltaEmitter = new Emitter<ChatDeltaEvent>();
  private readonly subscription: Disposable;
  /** Fires when a chat's turns changed. */
  readonly onDidChangeChat: Listen<ChatChange> = this.changeEmitter.event;
  /** Fires with batched streamed text. */
  readonly onDelta: Listen<ChatDeltaEvent> = this.deltaEmitter.event;

  constructor(private readonly deps: ChatRunnerDeps) {
    this.subscription = deps.onDelta((delta) => this.receive(delta.streamId, delta.index, delta.text));
  }

  /** Whether an answer is streaming on the chat. */
  isBusy(chatId: string): boolean {
    return this.byChat.has(chatId);
  }

  /**
   * Appends the message and an empty streaming answer to `chat`, stores the chat (a draft becomes a
   * stored chat here) and starts the stream. The caller checked `isBusy` and the target.
   */
  send(chat: ChatSession, target: StreamTarget, message: OutgoingMessage): void {
    this.assertIdle(chat);
    if (chat.turns.length === 0 && chat.title === DEFAULT_TITLE) chat.title = titleFrom(message.text, message.attachments);
    const history = [...chat.turns];
    chat.turns.push({ role: 'user', id: randomUUID(), text: message.text, attachments: [...message.attachments], at: new Date().toISOString() });
    this.start(chat, target, history, message);
  }

  /**
   * Asks the last message again: the answers after it (failed, stopped, or done) are replaced by a
   * new one. False when the chat has no message or is busy.
   */
  retry(chat: ChatSession, target: StreamTarget): boolean {
    if (this.isBusy(chat.id)) return false;
    let index = chat.turns.length - 1;
    while (index >= 0 && chat.turns[index]!.role !== 'user') index--;
    const user = chat.turns[index];
    if (!user || user.role !== 'user') return false;
    chat.turns.splice(index + 1);
    this.start(chat, target, chat.turns.slice(0, index), { text: user.text, attachments: user.attachments });
    return true;
  }

  /** Stops the chat's running answer, keeping what streamed. No-op when none runs. */
  stop(chatId: string): void {
    const running = this.byChat.get(chatId);
    if (!running || running.stopping) return;
    running.stopping = true;
    running.graceTimer = setTimeout(() => this.settleStopped(running), this.deps.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS);
    // `cancelled: false` means it already ended on the daemon: its answer settles it. A failed
    // cancel means the daemon is gone: nothing more will come.
    this.deps.request(ChatCancel, { streamId: running.streamId }).catch(() => this.settleStopped(running));
  }

  /** Stops every running answer (the window closes); each keeps its text, marked stopped. */
  dispose(): void {
    for (const running of [...this.byChat.values()]) {
      this.deps.request(ChatCancel, { streamId: running.streamId }).catch(() => undefined);
      this.settleStopped(running);
    }
    this.subscription.dispose();
    this.changeEmitter.dispose();
    this.deltaEmitter.dispose();
  }

  private assertIdle(chat: ChatSession): void {
    if (this.isBusy(chat.id)) throw new Error(`An answer is already streaming on chat ${chat.id}.`);
  }

  private start(chat: ChatSession, target: StreamTarget, history: readonly ChatTurn[], message: OutgoingMessage): void {
    const turn: AssistantTurn = { role: 'assistant', id: randomUUID(), text: '', status: 'streaming', at: new Date().toISOString() };
    chat.turns.push(turn);
    const running: Running = { chat, turn, streamId: randomUUID(), nextIndex: 0, early: new Map(), pending: '', stopping: false, settled: false };
    this.byChat.set(chat.id, running);
    this.byStream.set(running.streamId, running);
    void this.deps.store.save(chat);
    this.changeEmitter.fire({ chat, busy: true });
    const params: ChatStreamParams = { streamId: running.streamId, ...target, messages: buildMessages(history, message) };
    this.deps.request(ChatStream, params, { timeoutMs: STREAM_REQUEST_TIMEOUT_MS }).then(
      (result) => this.finish(running, result),
      (error: unknown) => this.fail(running, error),
    );
  }

  private receive(streamId: string, index: number, text: string): void {
    const running = this.byStream.get(streamId);
    if (!running || running.settled || index < running.nextIndex) return;
    running.early.set(index, text);
    let piece: string | undefined;
    while ((piece = running.early.get(running.nextIndex)) !== undefined) {
      running.early.delete(running.nextIndex++);
      running.pending += piece;
    }
    if (running.pending !== '' && running.flushTimer === undefined) {
      running.flushTimer = setTimeout(() => this.flush(running), this.deps.batchMs ?? DEFAULT_BATCH_MS);
    }
  }

  /** Hands the batched text to the views; the session's text grows here, so a view opening the chat now sees it all. */
  private flush(running: Running): void {
    clearTimeout(running.flushTimer);
    running.flushTimer = undefined;
    if (running.pending === '') return;
    const text = running.pending;
    running.pending = '';
    running.turn.text += text;
    this.deltaEmitter.fire({ chatId: running.chat.id, turnId: running.turn.id, text });
  }

  private finish(running: Running, result: ChatStreamResult): void {
    if (running.settled) return;
    this.flush(running);
    running.turn.text = result.text;
    running.turn.status = 'done';
    running.turn.meta = metaOf(result);
    this.settle(running);
  }

  private fail(running: Running, error: unknown): void {
    if (running.settled) return;
    this.flush(running);
    const partial = partialTextOf(error);
    if (partial !== undefined && partial.length >= running.turn.text.length) running.turn.text = partial;
    const code = codeOf(error);
    if (code === 'CANCELLED' && running.stopping) {
      running.turn.status = 'stopped';
    } else {
      running.turn.status = 'error';
      running.turn.error = toChatError(error);
      // Our own request timeout fired: the daemon may still be streaming (and billing).
      if (code === 'TIMEOUT' && (error as { data?: { method?: unknown } }).data?.method === ChatStream.method) {
        this.deps.request(ChatCancel, { streamId: running.streamId }).catch(() => undefined);
      }
    }
    this.settle(running);
  }

  private settleStopped(running: Running): void {
    if (running.settled) return;
    this.flush(running);
    running.turn.status = 'stopped';
    this.settle(running);
  }

  private settle(running: Running): void {
    running.settled = true;
    clearTimeout(running.flushTimer);
    clearTimeout(running.graceTimer);
    this.byChat.delete(running.chat.id);
    this.byStream.delete(running.streamId);
    // A chat deleted while it streamed stays deleted.
    if (this.deps.store.has(running.chat.id)) void this.deps.store.save(running.chat);
    this.changeEmitter.fire({ chat: running.chat, busy: false });
  }
}

/** The facts shown under an answer. */
export function metaOf(r: ChatStreamResult): ChatAnswerMeta {
  return {
    connectionId: r.connectionId,
    connectionName: r.connectionName,
    model: r.model,
    ...(r.usage ? { usage: r.usage } : {}),
    firstTokenMs: r.latency?.firstTokenMs ?? null,
    totalMs: r.latency?.totalMs ?? 0,
    ...(r.costUsd !== undefined ? { costUsd: r.costUsd } : {}),
    ...(r.skipped?.length ? { skipped: r.skipped } : {}),
  };
}
