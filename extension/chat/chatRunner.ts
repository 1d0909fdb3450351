/**
 * Runs the window's chat answers: one `chat/stream` per running answer and at most one per chat,
 * whichever view (sidebar or editor tab) started it, so every view showing the chat follows it and
 * any of them can stop it. No `vscode` import: unit-tested with a scripted daemon.
 *
 * The stream itself is `shared/client`'s (`chat()`): it puts deltas in order, cancels (`chat/cancel`,
 * ending the stream here at once with the text so far) and fails a stream that goes silent, for the
 * extension as for the CLI and every other client. What is left here is the chat's own part:
 *
 * - Streamed text (and reasoning) is batched (every {@link DEFAULT_BATCH_MS} ms) into `onDelta` events: a fast model
 *   produces hundreds of deltas a second, each a postMessage and a repaint otherwise.
 * - The response closes the answer: its text is authoritative, its facts become the turn's `meta`.
 * - Stop keeps the text so far, marked `stopped`, at once (also when the daemon cannot be told).
 * - A failure keeps whatever text streamed and shows the error with the actions that fix it.
 * - Regenerate keeps the answers so far beside the new one (alternates, for comparison); edit and
 *   resend drops what followed the edited message.
 * - Every answer carries its `source` (the connection and model it was asked of) from its start, so a
 *   regenerated answer says where it comes from while it streams.
 * - A stream that receives nothing for {@link STALL_NOTICE_MS} is reported every second (`onStall`)
 *   until data flows again or it ends, so the chat says so instead of showing a frozen answer;
 *   `restart` stops such an answer and asks again in its place.
 */
import { randomUUID } from 'node:crypto';
import type { ChatCallOptions, ChatEventReply, ChatRequest } from '../../shared/client';
import type { ChatStreamResult, StreamDelta } from '../../shared/protocol';
import type { ChatAnswerMeta, ChatAnswerSource, ChatSession, ChatTurn } from '../../shared/webview';
import { STREAM_IDLE_TIMEOUT_MS } from '../daemon/streamIdle';
import { codeOf, partialTextOf, toChatError } from './chatErrors';
import type { ChatStore } from './chatStore';
import { DEFAULT_TITLE } from './chatStore';
import { Emitter, type Disposable, type Listen } from './emitter';
import { buildMessages, titleFrom, type BuildOptions, type OutgoingMessage } from './prompt';
import type { StreamTarget } from './target';

/** How often streamed text is handed to the views. */
export const DEFAULT_BATCH_MS = 30;
/** Answers kept per message (the chosen one and its alternates); the oldest go first. */
export const MAX_ANSWERS_PER_MESSAGE = 6;
/**
 * Silence after which a streaming answer is reported as stalled ("No data for N s"). Well under any
 * connection's timeout (the daemon fails the request then): long enough that a model pausing between
 * sentences is not flagged, short enough that a person is not left looking at a frozen answer.
 */
export const STALL_NOTICE_MS = 10_000;
/** How often a stalled answer's silence is reported again (its seconds count up). */
const STALL_TICK_MS = 1000;

type AssistantTurn = Extract<ChatTurn, { role: 'assistant' }>;

export interface ChatRunnerDeps {
  /** Starts a typed `chat/stream` once the daemon is connected: `SwitchboardClient.chatEvents()`. */
  chat(params: ChatRequest, opts: ChatCallOptions): Promise<ChatEventReply>;
  store: ChatStore;
  batchMs?: number;
  idleTimeoutMs?: number;
  /** Silence before a stall is reported; {@link STALL_NOTICE_MS} by default. */
  stallNoticeMs?: number;
  /** The connection's name and the model a target means (its default when it names none). */
  describe?(target: StreamTarget): ChatAnswerSource | undefined;
}

/** A chat changed (turn added, text finished, stopped, failed); `busy` while an answer streams. */
export interface ChatChange {
  chat: ChatSession;
  busy: boolean;
}

/** Streamed text (and reasoning) to append to an answer. */
export interface ChatDeltaEvent {
  chatId: string;
  turnId: string;
  text: string;
  reasoning?: string;
}

/** A streaming answer that has received nothing for `seconds`; `null`: data flows again, or it ended. */
export interface ChatStallEvent {
  chatId: string;
  turnId: string;
  seconds: number | null;
}

interface Running {
  chat: ChatSession;
  turn: AssistantTurn;
  /** What was sent: `restart` sends it again. */
  params: ChatRequest;
  /** `Date.now()` of the last thing the stream delivered (or of its start). */
  lastDataAt: number;
  stallTimer?: ReturnType<typeof setInterval>;
  /** Whether a stall was reported and not yet cleared. */
  stalled: boolean;
  settledPromise: Promise<void>;
  resolveSettled: () => void;
  /** Undefined while the daemon connection is awaited. */
  stream?: ChatEventReply;
  /** In-order text not yet handed to the views. */
  pending: string;
  pendingReasoning: string;
  /** A tool call started or grew since the views last saw the turn. */
  toolsChanged: boolean;
  flushTimer?: ReturnType<typeof setTimeout> | undefined;
  stopping: boolean;
  settled: boolean;
}

export class ChatRunner implements Disposable {
  private readonly byChat = new Map<string, Running>();
  private readonly changeEmitter = new Emitter<ChatChange>();
  private readonly deltaEmitter = new Emitter<ChatDeltaEvent>();
  private readonly stallEmitter = new Emitter<ChatStallEvent>();
  /** Fires when a chat's turns changed. */
  readonly onDidChangeChat: Listen<ChatChange> = this.changeEmitter.event;
  /** Fires with batched streamed text. */
  readonly onDelta: Listen<ChatDeltaEvent> = this.deltaEmitter.event;
  /** Fires every second while a streaming answer receives nothing (after {@link STALL_NOTICE_MS}), and once when that ends. */
  readonly onStall: Listen<ChatStallEvent> = this.stallEmitter.event;

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
    if (chat.turns.length === 0 && chat.title === DEFAULT_TITLE)
      chat.title = titleFrom(message.text, message.attachments);
    const history = [...chat.turns];
    chat.turns.push({
      role: 'user',
      id: randomUUID(),
      text: message.text,
      attachments: [...message.attachments],
      at: new Date().toISOString(),
    });
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

  /**
   * Asks the last message again (on `target`, which may be another connection or model): its
   * answers that succeeded or were stopped stay as alternates, failed ones go. False when the chat
   * has no message or is busy.
   */
  regenerate(chat: ChatSession, target: StreamTarget, build: BuildOptions = {}): boolean {
    if (this.isBusy(chat.id)) return false;
    const index = lastUserIndex(chat);
    const user = chat.turns[index];
    if (!user || user.role !== 'user') return false;
    const kept = chat.turns
      .slice(index + 1)
      .filter((t): t is AssistantTurn => t.role === 'assistant' && t.status !== 'error');
    chat.turns.splice(
      index + 1,
      Infinity,
      ...kept.slice(-(MAX_ANSWERS_PER_MESSAGE - 1)).map((t): AssistantTurn => ({ ...t, alternate: true })),
    );
    this.start(chat, target, chat.turns.slice(0, index), { text: user.text, attachments: user.attachments }, build);
    return true;
  }

  /**
   * Replaces message `turnId` by `text` (its attachments kept) and sends it again: every turn after
   * it goes. False when there is no such message or the chat is busy.
   */
  edit(chat: ChatSession, target: StreamTarget, turnId: string, text: string, build: BuildOptions = {}): boolean {
    if (this.isBusy(chat.id)) return false;
    const index = chat.turns.findIndex((t) => t.id === turnId);
    const user = chat.turns[index];
    if (!user || user.role !== 'user') return false;
    chat.turns.splice(index);
    chat.turns.push({ ...user, id: randomUUID(), text, at: new Date().toISOString() });
    this.start(chat, target, chat.turns.slice(0, index), { text, attachments: user.attachments }, build);
    return true;
  }

  /**
   * Stops the chat's running answer (a stalled one, say) and asks the same again, on the same
   * connection and model, in its place. False when nothing runs or another answer started meanwhile.
   */
  async restart(chatId: string): Promise<boolean> {
    const running = this.byChat.get(chatId);
    if (!running) return false;
    this.stop(chatId);
    await running.settledPromise;
    const { chat, turn } = running;
    if (this.isBusy(chatId)) return false;
    const index = chat.turns.indexOf(turn);
    // Deleted meanwhile: nothing to ask again in its place.
    if (index < 0) return false;
    chat.turns.splice(index, 1);
    this.launch(chat, running.params, turn.source);
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
    this.stallEmitter.dispose();
  }

  private assertIdle(chat: ChatSession): void {
    if (this.isBusy(chat.id)) throw new Error(`An answer is already streaming on chat ${chat.id}.`);
  }

  private start(
    chat: ChatSession,
    target: StreamTarget,
    history: readonly ChatTurn[],
    message: OutgoingMessage,
    build: BuildOptions,
  ): void {
    this.launch(chat, { ...target, messages: buildMessages(history, message, build) }, this.describe(target));
  }

  /** Appends an empty streaming answer asked of `params`' target and streams it. */
  private launch(chat: ChatSession, params: ChatRequest, source: ChatAnswerSource | undefined): void {
    const turn: AssistantTurn = {
      role: 'assistant',
      id: randomUUID(),
      text: '',
      status: 'streaming',
      at: new Date().toISOString(),
      ...(source ? { source } : {}),
    };
    chat.turns.push(turn);
    let resolveSettled!: () => void;
    const settledPromise = new Promise<void>((resolve) => (resolveSettled = resolve));
    const running: Running = {
      chat,
      turn,
      params,
      lastDataAt: Date.now(),
      stalled: false,
      settledPromise,
      resolveSettled,
      pending: '',
      pendingReasoning: '',
      toolsChanged: false,
      stopping: false,
      settled: false,
    };
    this.byChat.set(chat.id, running);
    running.stallTimer = setInterval(() => this.checkStall(running), STALL_TICK_MS);
    void this.deps.store.save(chat);
    this.changeEmitter.fire({ chat, busy: true });
    void this.run(running, params);
  }

  /** Where a target's answer comes from, as far as it is known before it starts. */
  private describe(target: StreamTarget): ChatAnswerSource | undefined {
    try {
      return this.deps.describe?.(target);
    } catch {
      return undefined; // a label is not worth failing a send over
    }
  }

  /** Reports the silence of a stream that has received nothing for a while. */
  private checkStall(running: Running): void {
    if (running.settled) return;
    const silentMs = Date.now() - running.lastDataAt;
    if (silentMs < (this.deps.stallNoticeMs ?? STALL_NOTICE_MS)) return;
    running.stalled = true;
    this.stallEmitter.fire({
      chatId: running.chat.id,
      turnId: running.turn.id,
      seconds: Math.floor(silentMs / 1000),
    });
  }

  /** Data arrived (or the answer ended): a stall reported before is over. */
  private endStall(running: Running): void {
    if (!running.stalled) return;
    running.stalled = false;
    this.stallEmitter.fire({ chatId: running.chat.id, turnId: running.turn.id, seconds: null });
  }

  private async run(running: Running, params: ChatRequest): Promise<void> {
    try {
      const stream = await this.deps.chat(params, { idleTimeoutMs: this.deps.idleTimeoutMs ?? STREAM_IDLE_TIMEOUT_MS });
      running.stream = stream;
      // Stopped (or the window closed) while the connection was awaited.
      if (running.settled) return stream.cancel();
      for await (const event of stream) this.queue(running, event);
      this.finish(running, await stream.result);
    } catch (error) {
      this.fail(running, error);
    }
  }

  private queue(running: Running, event: StreamDelta): void {
    if (running.settled) return;
    running.lastDataAt = Date.now();
    if (running.stalled) this.endStall(running);
    const { turn } = running;
    switch (event.type) {
      case 'text':
        running.pending += event.text;
        break;
      case 'reasoning':
        running.pendingReasoning += event.reasoning;
        break;
      case 'toolCall':
        (turn.toolCalls ??= [])[event.toolCall] = { id: event.id, name: event.name, arguments: '' };
        running.toolsChanged = true;
        break;
      case 'toolArguments': {
        const call = turn.toolCalls?.[event.toolCall];
        if (call) call.arguments += event.arguments;
        running.toolsChanged = true;
        break;
      }
      default:
        return; // signatures and redacted reasoning: nothing to show
    }
    if (running.pending === '' && running.pendingReasoning === '' && !running.toolsChanged) return;
    running.flushTimer ??= setTimeout(() => this.flush(running), this.deps.batchMs ?? DEFAULT_BATCH_MS);
  }

  /** Hands the batched text to the views; the session's text grows here, so a view opening the chat now sees it all. */
  private flush(running: Running): void {
    clearTimeout(running.flushTimer);
    running.flushTimer = undefined;
    const { turn } = running;
    const text = running.pending;
    const reasoning = running.pendingReasoning;
    running.pending = '';
    running.pendingReasoning = '';
    if (text !== '' || reasoning !== '') {
      turn.text += text;
      if (reasoning !== '') turn.reasoning = (turn.reasoning ?? '') + reasoning;
      this.deltaEmitter.fire({ chatId: running.chat.id, turnId: turn.id, text, ...(reasoning ? { reasoning } : {}) });
    }
    if (running.toolsChanged) {
      // Rare (a model that calls a tool the chat never offered): a snapshot redraws the turn.
      running.toolsChanged = false;
      if (!running.settled) this.changeEmitter.fire({ chat: running.chat, busy: true });
    }
  }

  private finish(running: Running, result: ChatStreamResult): void {
    if (running.settled) return;
    this.flush(running);
    running.turn.text = result.text;
    if (result.reasoning) running.turn.reasoning = result.reasoning;
    if (result.toolCalls?.length)
      running.turn.toolCalls = result.toolCalls.map(({ id, name, arguments: args }) => ({ id, name, arguments: args }));
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
    clearInterval(running.stallTimer);
    this.endStall(running);
    if (this.byChat.get(running.chat.id) === running) this.byChat.delete(running.chat.id);
    // A chat deleted while it streamed stays deleted.
    if (this.deps.store.has(running.chat.id)) void this.deps.store.save(running.chat);
    this.changeEmitter.fire({ chat: running.chat, busy: false });
    running.resolveSettled();
  }
}

function lastUserIndex(chat: ChatSession): number {
  let index = chat.turns.length - 1;
  while (index >= 0 && chat.turns[index]!.role !== 'user') index--;
  return index;
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
