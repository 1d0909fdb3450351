/**
 * Runs the window's chat answers: one `chat/stream` per running answer and at most one per chat,
 * whichever view (sidebar or editor tab) started it, so every view showing the chat follows it and
 * any of them can stop it. No `vscode` import: unit-tested with a scripted daemon.
 *
 * The stream itself is `shared/client`'s (`chat()`): it puts deltas in order, cancels (`chat/cancel`,
 * ending the stream here at once with the text so far) and fails a stream that goes silent, for the
 * extension as for the CLI and every other client. What is left here is the chat's own part:
 *
 * - Streamed text is batched (every {@link DEFAULT_BATCH_MS} ms) into `onDelta` events: a fast model
 *   produces hundreds of deltas a second, each a postMessage and a repaint otherwise.
 * - The response closes the answer: its text is authoritative, its facts become the turn's `meta`.
 * - Stop keeps the text so far, marked `stopped`, at once (also when the daemon cannot be told).
 * - A failure keeps whatever text streamed and shows the error with the actions that fix it.
 */
import { randomUUID } from 'node:crypto';
import type { ChatCallOptions, ChatReply, ChatRequest } from '../../shared/client';
import type { ChatStreamResult } from '../../shared/protocol';
import type { ChatAnswerMeta, ChatSession, ChatTurn } from '../../shared/webview';
import { STREAM_IDLE_TIMEOUT_MS } from '../daemon/streamIdle';
import { codeOf, partialTextOf, toChatError } from './chatErrors';
import type { ChatStore } from './chatStore';
import { DEFAULT_TITLE } from './chatStore';
import { Emitter, type Disposable, type Listen } from './emitter';
import { buildMessages, titleFrom, type BuildOptions, type OutgoingMessage } from './prompt';
import type { StreamTarget } from './target';

/** How often streamed text is handed to the views. */
export const DEFAULT_BATCH_MS = 30;

type AssistantTurn = Extract<ChatTurn, { role: 'assistant' }>;

export interface ChatRunnerDeps {
  /** Starts a `chat/stream` once the daemon is connected: `SwitchboardClient.chat()`. */
  chat(params: ChatRequest, opts: ChatCallOptions): Promise<ChatReply>;
  store: ChatStore;
  batchMs?: number;
  idleTimeoutMs?: number;
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
  /** Undefined while the daemon connection is awaited. */
  stream?: ChatReply;
  /** In-order text not yet handed to the views. */
  pending: string;
  flushTimer?: ReturnType<typeof setTimeout>;
  stopping: boolean;
  settled: boolean;
}

export class ChatRunner implements Disposable {
  private readonly byChat = new Map<string, Running>();
  private readonly changeEmitter = new Emitter<ChatChange>();
  private readonly deltaEmitter = new Emitter<ChatDeltaEvent>();
  /** Fires when a chat's turns changed. */
  readonly onDidChangeChat: Listen<ChatChange> = this.changeEmitter.event;
  /** Fires with batched streamed text. */
  readonly onDelta: Listen<ChatDeltaEvent> = this.deltaEmitter.event;

  constructor(private readonly deps: ChatRunnerDeps) {}

  /** Whether an answer is streaming on the chat. */
  isBusy(chatId: string): boolean {
    return this.byChat.has(chatId);
  }

  /**
   * Appends the message and an empty streaming answer to `chat`, stores the chat (a draft becomes a
   * stored chat here) and starts the stream. The caller checked `isBusy` and the target.
   */
  send(chat: ChatSession, target: StreamTarget, message: OutgoingMessage, build: BuildOptions = {}): void {
    this.assertIdle(chat);
    if (chat.turns.length === 0 && chat.title === DEFAULT_TITLE) chat.title = titleFrom(message.text, message.attachments);
    const history = [...chat.turns];
    chat.turns.push({ role: 'user', id: randomUUID(), text: message.text, attachments: [...message.attachments], at: new Date().toISOString() });
    this.start(chat, target, history, message, build);
  }

  /**
   * Asks the last message again: the answers after it (failed, stopped, or done) are replaced by a
   * new one. False when the chat has no message or is busy.
   */
  retry(chat: ChatSession, target: StreamTarget, build: BuildOptions = {}): boolean {
    if (this.isBusy(chat.id)) return false;
    let index = chat.turns.length - 1;
    while (index >= 0 && chat.turns[index]!.role !== 'user') index--;
    const user = chat.turns[index];
    if (!user || user.role !== 'user') return false;
    chat.turns.splice(index + 1);
    this.start(chat, target, chat.turns.slice(0, index), { text: user.text, attachments: user.attachments }, build);
    return true;
  }

  /** Stops the chat's running answer, keeping what streamed. No-op when none runs. */
  stop(chatId: string): void {
    const running = this.byChat.get(chatId);
    if (!running || running.stopping) return;
    running.stopping = true;
    // The client ends the stream here at once (CANCELLED, with the text so far) and tells the daemon.
    if (running.stream) running.stream.cancel();
    // Still waiting for the daemon: nothing streamed, nothing to tell it; the stream is cancelled on arrival.
    else this.settleStopped(running);
  }

  /** Stops every running answer (the window closes); each keeps its text, marked stopped. */
  dispose(): void {
    for (const running of [...this.byChat.values()]) {
      running.stream?.cancel();
      this.settleStopped(running);
    }
    this.changeEmitter.dispose();
    this.deltaEmitter.dispose();
  }

  private assertIdle(chat: ChatSession): void {
    if (this.isBusy(chat.id)) throw new Error(`An answer is already streaming on chat ${chat.id}.`);
  }

  private start(chat: ChatSession, target: StreamTarget, history: readonly ChatTurn[], message: OutgoingMessage, build: BuildOptions): void {
    const turn: AssistantTurn = { role: 'assistant', id: randomUUID(), text: '', status: 'streaming', at: new Date().toISOString() };
    chat.turns.push(turn);
    const running: Running = { chat, turn, pending: '', stopping: false, settled: false };
    this.byChat.set(chat.id, running);
    void this.deps.store.save(chat);
    this.changeEmitter.fire({ chat, busy: true });
    void this.run(running, { ...target, messages: buildMessages(history, message, build) });
  }

  private async run(running: Running, params: ChatRequest): Promise<void> {
    try {
      const stream = await this.deps.chat(params, { idleTimeoutMs: this.deps.idleTimeoutMs ?? STREAM_IDLE_TIMEOUT_MS });
      running.stream = stream;
      // Stopped (or the window closed) while the connection was awaited.
      if (running.settled) return stream.cancel();
      for await (const text of stream) this.queue(running, text);
      this.finish(running, await stream.result);
    } catch (error) {
      this.fail(running, error);
    }
  }

  private queue(running: Running, text: string): void {
    if (running.settled || text === '') return;
    running.pending += text;
    running.flushTimer ??= setTimeout(() => this.flush(running), this.deps.batchMs ?? DEFAULT_BATCH_MS);
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
    if (codeOf(error) === 'CANCELLED' && running.stopping) {
      running.turn.status = 'stopped';
    } else {
      running.turn.status = 'error';
      running.turn.error = toChatError(error);
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
    this.byChat.delete(running.chat.id);
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
