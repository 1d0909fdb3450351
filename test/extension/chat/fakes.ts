/**
 * Stand-ins for what the chat's vscode-free classes get from VS Code and the daemon: an in-memory
 * Memento (copying values as VS Code's does), a scripted daemon whose streams the test drives by
 * hand, connections, and a recording ChatUi.
 */
import { randomUUID } from 'node:crypto';
import type { ChatCallOptions, ChatEventReply, ChatRequest } from '../../../shared/client';
import { asEvent, ChatReplyController } from '../../../shared/client/chatReply';
import {
  ChatCancel,
  type ChatStreamParams,
  type ChatStreamResult,
  type Connection,
  type RequestType,
  type StreamDelta,
} from '../../../shared/protocol';
import type { ChatAttachment, ChatMention, HostToChat } from '../../../shared/webview';
import { AttachmentError } from '../../../extension/chat/attachments';
import { ChatHost, type ChatUi, type DaemonStateName } from '../../../extension/chat/chatHost';
import { ChatRunner } from '../../../extension/chat/chatRunner';
import { ChatStore, type MementoLike } from '../../../extension/chat/chatStore';
import { answerSource, type ConnectionsView, type WorkspaceChoiceValue } from '../../../extension/chat/target';
import { definedOnly, type Loose } from '../../../shared/definedOnly';

export class MemoryMemento implements MementoLike {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    const value = this.values.get(key);
    return value === undefined ? undefined : (structuredClone(value) as T);
  }
  update(key: string, value: unknown): Promise<void> {
    this.values.set(key, structuredClone(value));
    return Promise.resolve();
  }
}

/** One `chat/stream` the test answers by hand, as the daemon would over the socket. */
export interface FakeStream {
  params: ChatStreamParams;
  /** Sends the next `chat/delta` (in order unless `index` is given). */
  emit(text: string, index?: number): void;
  /** Sends a typed delta (reasoning, a tool call, its arguments) as the next `chat/delta`. */
  event(delta: Exclude<StreamDelta, { type: 'text' }>): void;
  finish(result?: Partial<ChatStreamResult>): void;
  fail(error: unknown): void;
  /** Text emitted so far. */
  readonly sent: string;
}

/**
 * A scripted daemon. Its chat streams are the client's own (`ChatReplyController`, what
 * `SwitchboardClient.chat()` returns), fed by hand: ordering, cancel and the idle timeout under test
 * are shared/client's. Like the client, a stream's stop sends `chat/cancel`.
 */
export class FakeDaemon {
  readonly calls: Array<{ method: string; params: any; opts?: { timeoutMs?: number; idleTimeoutMs?: number } }> = [];
  readonly streams: FakeStream[] = [];
  answers: Record<string, (params: any) => unknown> = {};

  readonly request = async <P, R>(
    descriptor: RequestType<P, R>,
    params: P,
    opts?: { timeoutMs?: number },
  ): Promise<R> => {
    this.calls.push({ method: descriptor.method, params, ...(opts ? { opts } : {}) });
    const answer = this.answers[descriptor.method];
    if (!answer) throw new Error(`unexpected ${descriptor.method}`);
    return answer(params) as R;
  };

  readonly chat = async (request: ChatRequest, opts: ChatCallOptions = {}): Promise<ChatEventReply> => {
    const params = { ...request, streamId: request.streamId ?? randomUUID() } as ChatStreamParams;
    this.calls.push({
      method: 'chat/stream',
      params,
      opts: { ...(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}) },
    });
    const stream = new ChatReplyController<StreamDelta>(
      params.streamId,
      {
        idleTimeoutMs: opts.idleTimeoutMs ?? 0,
        stop: () => void this.request(ChatCancel, { streamId: params.streamId }).catch(() => undefined),
        settled: () => undefined,
      },
      asEvent,
    );
    let index = 0;
    let sent = '';
    this.streams.push({
      params,
      emit(text, at) {
        sent += text;
        stream.push(at ?? index++, text);
      },
      finish(result = {}) {
        stream.finish({
          text: sent,
          finishReason: 'stop',
          connectionId: params.connectionId ?? 'c1',
          connectionName: 'Work',
          model: params.model ?? 'gpt-test',
          latency: { firstTokenMs: 12, totalMs: 40 },
          usage: { inputTokens: 5, outputTokens: 3 },
          costUsd: 0.0001,
          ...result,
        });
      },
      event(delta) {
        stream.accept({ streamId: params.streamId, index: index++, ...delta } as Parameters<typeof stream.accept>[0]);
      },
      fail: (error) => stream.fail(error),
      get sent() {
        return sent;
      },
    });
    return stream;
  };

  /** The latest stream. */
  get stream(): FakeStream {
    const s = this.streams.at(-1);
    if (!s) throw new Error('no chat/stream was requested');
    return s;
  }
}

export const conn = (over: Partial<Connection> = {}): Connection => ({
  id: 'c1',
  name: 'Work',
  provider: 'openai',
  baseUrl: 'https://api.openai.com/v1',
  defaultModel: 'gpt-test',
  timeoutMs: 60_000,
  maxRetries: 2,
  isDefault: true,
  keySource: 'memory',
  keyAvailable: true,
  createdAt: '',
  updatedAt: '',
  ...over,
});

export class FakeUi implements ChatUi {
  readonly log: string[] = [];
  selection: ChatAttachment | Error = new Error('no selection scripted');
  file: ChatAttachment | Error = new Error('no file scripted');
  title: string | undefined = 'Renamed';
  pick: string | undefined;
  target: { connectionId: string; model?: string } | undefined;
  async selectionAttachment() {
    if (this.selection instanceof Error) throw this.selection;
    return this.selection;
  }
  async fileAttachment() {
    if (this.file instanceof Error) throw this.file;
    return this.file;
  }
  mentions: ChatMention[] = [];
  mentioned: ChatAttachment | Error = new Error('no mention scripted');
  code: ChatAttachment | Error = new AttachmentError(
    'No editor is open. Open a file, select the code to ask about, and try again.',
  );
  problems: ChatAttachment | Error = new AttachmentError('VS Code reports no problems.');
  image: ChatAttachment | undefined;
  async mentionSuggestions(query: string) {
    this.log.push(`mentions ${query}`);
    return this.mentions;
  }
  async mentionAttachment(mention: ChatMention) {
    this.log.push(`mention ${mention.kind} ${mention.label}`);
    if (this.mentioned instanceof Error) throw this.mentioned;
    return this.mentioned;
  }
  async editorCode() {
    if (this.code instanceof Error) throw this.code;
    return this.code;
  }
  async problemsIn(path: string) {
    this.log.push(`problemsIn ${path}`);
    if (this.problems instanceof Error) throw this.problems;
    return this.problems;
  }
  async pickImage() {
    this.log.push('pickImage');
    return this.image;
  }
  async copy(text: string, what: 'code' | 'answer') {
    this.log.push(`copy ${what} ${text}`);
  }
  async applyCode(code: string, opts: { path?: string; language?: string }) {
    this.log.push(`apply ${opts.path ?? '(editor)'} ${opts.language ?? ''} ${code}`);
  }
  async newFile(code: string, language?: string) {
    this.log.push(`newFile ${language ?? ''} ${code}`);
  }
  async runInTerminal(code: string) {
    this.log.push(`run ${code}`);
  }
  async pickTarget(current: { connectionId?: string; model?: string }) {
    this.log.push(`pickTarget ${current.connectionId} ${current.model}`);
    return this.target;
  }
  async insert(text: string) {
    this.log.push(`insert ${text}`);
  }
  async openExternal(url: string) {
    this.log.push(`open ${url}`);
  }
  async askTitle(current: string) {
    this.log.push(`askTitle ${current}`);
    return this.title;
  }
  async pickConnection(currentId: string | undefined) {
    this.log.push(`pick ${currentId}`);
    return this.pick;
  }
  /** What the model quick pick answers: a model, the connection's default (`{}`), or cancel (undefined). */
  modelPick: { model?: string } | undefined;
  async pickModel(connectionId: string, current: string | undefined, chatTitle: string) {
    this.log.push(`pickModel ${connectionId} ${current} "${chatTitle}"`);
    return this.modelPick ? { model: this.modelPick.model } : undefined;
  }
  offerWorkspaceDefault(connectionId: string, model: string | undefined) {
    this.log.push(`offerDefault ${connectionId} ${model}`);
  }
  async executeCommand(command: string, ...args: unknown[]) {
    this.log.push(
      `command ${[command, ...args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))].join(' ')}`,
    );
    return undefined;
  }
  openInEditor(chatId: string) {
    this.log.push(`openInEditor ${chatId}`);
  }
  warn(message: string) {
    this.log.push(`warn ${message}`);
  }
  retryDaemon() {
    this.log.push('retryDaemon');
  }
}

/** A host on a fake daemon, with everything the test may poke. */
export function setup(
  opts: {
    connections?: Connection[];
    loaded?: boolean;
    batchMs?: number;
    idleTimeoutMs?: number;
    stallNoticeMs?: number;
    memento?: MemoryMemento;
    initialChatId?: string;
  } = {},
) {
  const daemon = new FakeDaemon();
  const memento = opts.memento ?? new MemoryMemento();
  const store = new ChatStore(memento);
  const runner = new ChatRunner({
    chat: daemon.chat,
    store,
    batchMs: opts.batchMs ?? 1,
    ...(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
    ...(opts.stallNoticeMs !== undefined ? { stallNoticeMs: opts.stallNoticeMs } : {}),
    // As the window wires it (chatServices.ts): from the connection list the host sees.
    describe: (target) => answerSource(target, env.connections.connections),
  });
  const ui = new FakeUi();
  const env = {
    choice: {} as WorkspaceChoiceValue,
    daemonState: 'connected' as DaemonStateName,
    connections: {
      loaded: opts.loaded ?? true,
      connections: opts.connections ?? [
        conn(),
        conn({ id: 'c2', name: 'Claude', provider: 'anthropic', defaultModel: 'claude-test', isDefault: false }),
      ],
      providerName: (id: string) => ({ openai: 'OpenAI', anthropic: 'Anthropic' })[id] ?? id,
    } as ConnectionsView,
  };
  const posted: HostToChat[] = [];
  const shown: string[] = [];
  /** One entry per time a host said the person is in its page. */
  const focused: string[] = [];
  const makeHost = (initialChatId?: string, sink: HostToChat[] = posted) =>
    new ChatHost({
      // Copied, as postMessage does: later mutation of the live session must not rewrite history.
      post: (m) => void sink.push(structuredClone(m)),
      store,
      runner,
      request: daemon.request,
      connections: env.connections,
      choice: () => env.choice,
      daemonState: () => env.daemonState,
      ui,
      ...(initialChatId ? { initialChatId } : {}),
      onDidShowChat: (id) => void shown.push(id),
      onDidFocus: () => void focused.push('focus'),
    });
  const host = makeHost(opts.initialChatId);
  return { daemon, memento, store, runner, ui, env, posted, shown, focused, host, makeHost };
}

/** Waits for timers (delta batching) and pending promises. */
export const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));

/** The messages of one type, typed. */
export function ofType<T extends HostToChat['type']>(
  posted: HostToChat[],
  type: T,
): Extract<HostToChat, { type: T }>[] {
  return posted.filter((m): m is Extract<HostToChat, { type: T }> => m.type === type);
}

export function attachment(over: Partial<Loose<ChatAttachment>> = {}): ChatAttachment {
  return definedOnly<Loose<ChatAttachment>>({
    id: 'a1',
    kind: 'selection',
    label: 'app.ts:2-3',
    path: 'src/app.ts',
    languageId: 'typescript',
    startLine: 2,
    endLine: 3,
    text: 'const a = 1;\nconst b = 2;',
    ...over,
  });
}
