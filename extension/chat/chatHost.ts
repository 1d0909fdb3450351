/**
 * The host half of one chat webview (the sidebar view or an editor tab): which chat it shows, the
 * attachments waiting for the next message, and every `ChatToHost` message turned into store,
 * runner and daemon calls. No `vscode` import: the view hands in what it needs (`ChatUi`), so the
 * flows are unit-tested with fakes, and the extension-host suite drives one against the real daemon.
 *
 * A new chat is a draft: it starts on the workspace's connection (else the default) and follows
 * changes of those until the person picks a connection for it or sends its first message; it is
 * stored with that first message, so empty chats never clutter the history.
 */
import { ModelsList } from '../../shared/protocol';
import {
  assertNever,
  type ChatAttachment,
  type ChatPageCommand,
  type ChatTurn,
  type ChatErrorAction,
  type ChatErrorView,
  type ChatSession,
  type ChatToHost,
  type ChatViewState,
  type HostToChat,
} from '../../shared/webview';
import { addAttachment, AttachmentError } from './attachments';
import { hasImages, imageAttachment } from './imageAttachments';
import { imageSupportFor, noImagesError, planSend } from './sendPlan';
import { chatError, DAEMON_UNAVAILABLE, errorText, toChatError } from './chatErrors';
import { ChatStore, cleanTitle } from './chatStore';
import { Emitter, type Disposable, type Listen } from './emitter';
import type { ChatHostDeps, DaemonStateName } from './hostDeps';
import { connectionOptions, initialChoice, resolveTarget, type StreamTarget } from './target';

export type { ChatHostDeps, ChatUi, DaemonStateName } from './hostDeps';

/** The VS Code commands behind the page's own buttons (its empty state). */
const PAGE_COMMANDS: Record<ChatPageCommand, string> = {
  addConnection: 'switchboard.addConnection',
  importFromEnvironment: 'switchboard.importFromEnvironment',
  openWalkthrough: 'switchboard.openWalkthrough',
};

export class ChatHost implements Disposable {
  private chat: ChatSession;
  /** Whether the person chose this draft's connection (then it no longer follows the workspace's). */
  private pinned = false;
  private attachments: ChatAttachment[] = [];
  /** Set once the page said `ready`: before that, messages would be lost (init carries everything). */
  private ready = false;
  private focusPending = false;
  private historyPending = false;
  private readonly subscriptions: Disposable[];
  private readonly choiceEmitter = new Emitter<void>();
  /** Fires when the chat shown, or its connection or model, changed (the status bar follows a focused chat). */
  readonly onDidChangeChoice: Listen<void> = this.choiceEmitter.event;

  constructor(private readonly deps: ChatHostDeps) {
    const stored = deps.initialChatId ? deps.store.get(deps.initialChatId) : undefined;
    this.chat = stored ?? this.newDraft();
    this.subscriptions = [
      deps.runner.onDidChangeChat(({ chat, busy }) => {
        if (chat.id === this.chat.id) this.post({ type: 'chat', chat, busy });
      }),
      deps.runner.onDelta((d) => {
        if (d.chatId === this.chat.id) this.post({ type: 'delta', ...d });
      }),
      deps.runner.onStall((stall) => {
        if (stall.chatId === this.chat.id) this.post({ type: 'stall', ...stall });
      }),
      deps.store.onDidChange((change) => {
        this.post({ type: 'history', chats: deps.store.list() });
        if (change.id !== this.chat.id) return;
        if (change.kind === 'deleted') this.show(this.newDraft());
        else if (change.kind === 'updated') this.postChat();
      }),
    ];
  }

  /** The chat shown. */
  get current(): ChatSession {
    return this.chat;
  }

  /** Whether the page has said `ready` (its script runs) and not gone away since. */
  get pageReady(): boolean {
    return this.ready;
  }

  /** The attachments waiting for the next message. */
  get pendingAttachments(): readonly ChatAttachment[] {
    return this.attachments;
  }

  /** The connection and model the next message goes to: the chat's own, else what a new chat starts on. */
  get choice(): { connectionId?: string; model?: string } {
    if (this.chat.connectionId)
      return { connectionId: this.chat.connectionId, ...(this.chat.model ? { model: this.chat.model } : {}) };
    return initialChoice(this.deps.choice(), this.deps.connections);
  }

  /** Handles one page message; never throws (a failure becomes a `rejected` answer or a warning). */
  async handle(msg: ChatToHost): Promise<void> {
    // Using the page (not merely loading it, which happens when the sidebar opens) is being in it.
    // `loadModels` is the page asking on its own as it draws its pickers.
    if (msg.type !== 'ready' && msg.type !== 'loadModels') this.deps.onDidFocus?.();
    try {
      await this.dispatch(msg);
    } catch (error) {
      if (msg.type === 'send')
        return this.post({ type: 'rejected', requestId: msg.requestId, error: toChatError(error) });
      if (error instanceof AttachmentError) return this.deps.ui.warn(error.message);
      const view = toChatError(error);
      // The daemon's errors carry a hint saying what to do; a plain one is the extension's own (an
      // editor refused an insert), which says it in its message: the daemon log would not explain it.
      this.deps.ui.warn(`Switchboard chat: ${view.code === 'INTERNAL' ? view.message : errorText(view)}`);
    }
  }

  /** Shows a new empty chat. */
  newChat(): void {
    this.show(this.newDraft());
  }

  /** Shows a stored chat; false when it no longer exists. */
  openChat(chatId: string): boolean {
    const chat = this.deps.store.get(chatId);
    if (chat) this.show(chat);
    return chat !== undefined;
  }

  /** Adds context for the next message (Add Selection/File to Chat). */
  addAttachment(attachment: ChatAttachment): void {
    this.attachments = addAttachment(this.attachments, attachment);
    this.post({ type: 'attachments', attachments: this.attachments });
  }

  /** Puts the cursor in the input, now or once the page is ready. */
  focusInput(): void {
    if (this.ready) this.deps.post({ type: 'focusInput' });
    else this.focusPending = true;
  }

  /** Shows or hides the page's History list (the title bar's History), now or once the page is ready. */
  toggleHistory(): void {
    if (this.ready) this.deps.post({ type: 'toggleHistory' });
    else this.historyPending = true;
  }

  /** The page went away (view disposed, reloading): hold messages until it says `ready` again. */
  detach(): void {
    this.ready = false;
  }

  /** The connection list or a connection changed. */
  connectionsChanged(): void {
    this.post({ type: 'connections', connections: connectionOptions(this.deps.connections) });
    this.followWorkspace();
  }

  /** The workspace's connection or model changed. */
  choiceChanged(): void {
    this.followWorkspace();
  }

  daemonChanged(state: DaemonStateName): void {
    this.post({ type: 'daemon', state });
  }

  /**
   * The connection, then the model, in VS Code's quick picks: the header's connection button, and
   * "Select Connection" (the status bar) while this chat is focused. False when cancelled.
   */
  async chooseConnection(): Promise<boolean> {
    const picked = await this.deps.ui.pickConnection(this.choice.connectionId);
    if (!picked) return false;
    const connection = this.deps.connections.connections.find((c) => c.id === picked);
    // Escape on the model step keeps a new connection on its default model, the same one on the chat's.
    const same = picked === this.choice.connectionId;
    const current = same ? this.choice.model : connection?.defaultModel;
    const model = await this.deps.ui.pickModel(picked, current, this.chat.title);
    this.selectConnection(picked);
    const chosen = model ? model.model : same ? current : undefined;
    if (chosen) this.selectModel(chosen);
    this.deps.ui.offerWorkspaceDefault(picked, this.chat.model);
    return true;
  }

  /** The model of the chat's connection, in VS Code's searchable quick pick. False when cancelled. */
  async chooseModel(): Promise<boolean> {
    const { connectionId, model } = this.choice;
    if (!connectionId) return this.chooseConnection();
    const picked = await this.deps.ui.pickModel(connectionId, model, this.chat.title);
    if (!picked) return false;
    if (!this.chat.connectionId) Object.assign(this.chat, { connectionId });
    this.chat.model =
      picked.model ?? this.deps.connections.connections.find((c) => c.id === connectionId)?.defaultModel;
    this.pinned = true;
    this.changed();
    this.deps.ui.offerWorkspaceDefault(connectionId, this.chat.model);
    return true;
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.choiceEmitter.dispose();
  }

  private async dispatch(msg: ChatToHost): Promise<void> {
    const { deps } = this;
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.followWorkspace(false);
        this.deps.post({ type: 'init', state: this.state() });
        if (this.focusPending) this.focusInput();
        if (this.historyPending) this.toggleHistory();
        this.focusPending = this.historyPending = false;
        return;
      case 'send':
        return this.send(msg.requestId, msg.text);
      case 'stop':
        return deps.runner.stop(this.chat.id);
      case 'retry':
        return this.retry();
      case 'pickConnection':
        await this.chooseConnection();
        return;
      case 'pickModel':
        await this.chooseModel();
        return;
      case 'selectConnection':
        return this.selectConnection(msg.connectionId);
      case 'selectModel':
        return this.selectModel(msg.model);
      case 'loadModels':
        return this.loadModels(msg.connectionId);
      case 'newChat':
        return this.newChat();
      case 'openChat':
        if (!this.openChat(msg.chatId)) deps.ui.warn('That chat no longer exists.');
        return;
      case 'renameChat':
        return this.rename(msg.chatId, msg.title);
      case 'deleteChat':
        deps.runner.stop(msg.chatId);
        if (msg.chatId === this.chat.id && !deps.store.has(msg.chatId)) return this.newChat();
        await deps.store.delete(msg.chatId);
        return;
      case 'addSelection':
        return this.addAttachment(await deps.ui.selectionAttachment());
      case 'addFile':
        return this.addAttachment(await deps.ui.fileAttachment());
      case 'removeAttachment':
        this.attachments = this.attachments.filter((a) => a.id !== msg.id);
        return this.post({ type: 'attachments', attachments: this.attachments });
      case 'copyCode':
        return deps.ui.copy(msg.code, 'code');
      case 'insertCode':
        return deps.ui.insert(msg.code);
      case 'applyCode':
        return deps.ui.applyCode(msg.code, {
          ...(msg.path ? { path: msg.path } : {}),
          ...(msg.language ? { language: msg.language } : {}),
        });
      case 'newFile':
        return deps.ui.newFile(msg.code, msg.language);
      case 'runInTerminal':
        return deps.ui.runInTerminal(msg.code);
      case 'copyAnswer': {
        const turn = this.chat.turns.find((t) => t.id === msg.turnId);
        if (turn) await deps.ui.copy(turn.text, 'answer');
        return;
      }
      case 'regenerate':
        return this.regenerate(msg.turnId, msg.pick === true);
      case 'chooseAnswer':
        return this.chooseAnswer(msg.turnId);
      case 'editMessage':
        return this.editMessage(msg.turnId, msg.text);
      case 'deleteTurn':
        return this.deleteTurn(msg.turnId);
      case 'openLink':
        return this.openLink(msg.href);
      case 'errorAction':
        return this.errorAction(msg.action, msg.turnId);
      case 'openInEditor':
        return deps.ui.openInEditor(this.chat.id);
      case 'mentionQuery':
        return this.post({
          type: 'mentions',
          requestId: msg.requestId,
          items: await deps.ui.mentionSuggestions(msg.query),
        });
      case 'addMention':
        return this.addAttachment(await deps.ui.mentionAttachment(msg.mention));
      case 'addImage':
        return this.addAttachment(imageAttachment(msg.name, msg.mediaType, msg.data));
      case 'attachImage': {
        const image = await deps.ui.pickImage();
        return image ? this.addAttachment(image) : undefined;
      }
      case 'runCommand':
        await deps.ui.executeCommand(PAGE_COMMANDS[msg.command]);
        return;
      default:
        return assertNever(msg);
    }
  }

  private async send(requestId: number, typed: string): Promise<void> {
    const { deps } = this;
    const text = typed.replace(/^\s*\n/, '').trimEnd();
    const refuse = (error: ChatErrorView): void => this.post({ type: 'rejected', requestId, error });
    const busy = (): boolean => deps.runner.isBusy(this.chat.id);
    const busyError: ChatErrorView = {
      code: 'BUSY',
      message: 'An answer is still streaming in this chat.',
      hint: 'Wait for it to finish, or stop it.',
      actions: [],
    };
    if (text.trim() === '' && this.attachments.length === 0)
      return refuse({ code: 'VALIDATION', message: 'Type a message first.', actions: [] });
    if (busy()) return refuse(busyError);
    const plan = await planSend(text, this.attachments, connectionOptions(deps.connections), deps.ui);
    if ('error' in plan) return refuse(plan.error);
    const target = plan.askConnectionId ? this.askTarget(plan.askConnectionId) : this.target();
    if ('error' in target) return refuse(target.error);
    const connection = deps.connections.connections.find((c) => c.id === target.target.connectionId);
    const images = await imageSupportFor(
      deps.request,
      target.target,
      connection?.defaultModel,
      this.chat.turns,
      plan.attachments,
    );
    if (images === 'no' && hasImages(plan.attachments)) {
      return refuse(
        noImagesError(
          target.target.model ?? connection?.defaultModel ?? 'The model',
          connection?.name ?? 'this connection',
          connection?.provider ?? 'PROVIDER',
        ),
      );
    }
    // The checks above awaited: another send may have started meanwhile.
    if (busy()) return refuse(busyError);
    this.post({ type: 'accepted', requestId });
    if (this.attachments.length) this.post({ type: 'attachments', attachments: [] });
    this.attachments = [];
    deps.runner.send(
      this.chat,
      target.target,
      { text: plan.text, attachments: plan.attachments },
      { images: images !== 'no' },
    );
  }

  /** `/ask <connection>`: one message to another connection, on its default model; the chat keeps its own. */
  private askTarget(connectionId: string): { target: StreamTarget } | { error: ChatErrorView } {
    const connection = this.deps.connections.connections.find((c) => c.id === connectionId);
    if (!connection)
      return {
        error: chatError('CONNECTION_NOT_FOUND', 'That connection no longer exists.', 'Pick another one after /ask.'),
      };
    return { target: { connectionId, ...(connection.defaultModel ? { model: connection.defaultModel } : {}) } };
  }

  /**
   * Asks the last message again, on the chat's connection as it is now (the person may have switched
   * after an error). While an answer streams (Retry beside "No data for N s"), that answer is stopped
   * and asked again in its place, of the same connection and model.
   */
  private async retry(): Promise<void> {
    if (this.deps.runner.isBusy(this.chat.id)) {
      await this.deps.runner.restart(this.chat.id);
      return;
    }
    const target = this.target();
    if ('error' in target) return this.showOnLastAnswer(target.error);
    const connection = this.deps.connections.connections.find((c) => c.id === target.target.connectionId);
    const images = await imageSupportFor(
      this.deps.request,
      target.target,
      connection?.defaultModel,
      this.chat.turns,
      [],
    );
    if (this.deps.runner.isBusy(this.chat.id)) return;
    this.deps.runner.retry(this.chat, target.target, { images: images !== 'no' });
  }

  /**
   * Asks the last message again; its answers so far stay beside the new one. `pick`: on a connection
   * and model the person picks for this answer only (the chat keeps its own).
   */
  private async regenerate(turnId: string, pick: boolean): Promise<void> {
    const { deps } = this;
    if (deps.runner.isBusy(this.chat.id))
      return deps.ui.warn('An answer is still streaming in this chat. Wait for it to finish, or stop it (Escape).');
    const group = answerGroup(this.chat.turns, turnId);
    if (!group || group.end !== this.chat.turns.length)
      return deps.ui.warn('Only the last answer can be regenerated. To ask an earlier question again, edit it.');
    let target: StreamTarget;
    if (pick) {
      const current = this.chat.turns[group.end - 1];
      const meta = current?.role === 'assistant' ? current.meta : undefined;
      const picked = await deps.ui.pickTarget({
        connectionId: meta?.connectionId ?? this.chat.connectionId,
        model: meta?.model ?? this.chat.model,
      });
      if (!picked) return;
      if (deps.connections.loaded && !deps.connections.connections.some((c) => c.id === picked.connectionId))
        return deps.ui.warn('That connection no longer exists.');
      // Checked again: the pick took a while, and another view may have started an answer meanwhile.
      if (deps.runner.isBusy(this.chat.id)) return;
      target = { connectionId: picked.connectionId, ...(picked.model ? { model: picked.model } : {}) };
    } else {
      const resolved = this.target();
      if ('error' in resolved) return deps.ui.warn(errorText(resolved.error));
      target = resolved.target;
    }
    const build = await this.buildFor(target);
    if (deps.runner.isBusy(this.chat.id)) return;
    deps.runner.regenerate(this.chat, target, build);
  }

  /** Whether the history's images go along (the model takes them), as for a retry. */
  private async buildFor(target: StreamTarget): Promise<{ images: boolean }> {
    const connection = this.deps.connections.connections.find((c) => c.id === target.connectionId);
    const images = await imageSupportFor(this.deps.request, target, connection?.defaultModel, this.chat.turns, []);
    return { images: images !== 'no' };
  }

  /** Makes `turnId` the chosen answer of its group: shown, and what the model reads from now on. */
  private chooseAnswer(turnId: string): void {
    const group = answerGroup(this.chat.turns, turnId);
    if (!group || this.deps.runner.isBusy(this.chat.id)) return;
    for (const t of this.chat.turns.slice(group.start, group.end)) {
      if (t.role !== 'assistant') continue;
      if (t.id === turnId) delete t.alternate;
      else t.alternate = true;
    }
    this.changed();
  }

  private async editMessage(turnId: string, typed: string): Promise<void> {
    const { deps } = this;
    const text = typed.replace(/^\s*\n/, '').trimEnd();
    const turn = this.chat.turns.find((t) => t.id === turnId);
    if (turn?.role !== 'user') return deps.ui.warn('That message no longer exists.');
    if (text.trim() === '' && turn.attachments.length === 0)
      return deps.ui.warn('The message is empty. Type something, or delete the message instead.');
    if (deps.runner.isBusy(this.chat.id))
      return deps.ui.warn(
        'An answer is still streaming in this chat. Wait for it to finish, or stop it (Escape), then resend.',
      );
    const target = this.target();
    if ('error' in target) return deps.ui.warn(errorText(target.error));
    const build = await this.buildFor(target.target);
    if (deps.runner.isBusy(this.chat.id)) return;
    deps.runner.edit(this.chat, target.target, turnId, text, build);
  }

  /** Deletes a message: a question with its answers, or one answer (another of its group is then chosen). */
  private deleteTurn(turnId: string): void {
    const { deps } = this;
    if (deps.runner.isBusy(this.chat.id))
      return deps.ui.warn('An answer is still streaming in this chat. Stop it (Escape) before deleting messages.');
    const index = this.chat.turns.findIndex((t) => t.id === turnId);
    const turn = this.chat.turns[index];
    if (!turn) return;
    if (turn.role === 'user') {
      let end = index + 1;
      while (this.chat.turns[end]?.role === 'assistant') end++;
      this.chat.turns.splice(index, end - index);
    } else {
      const group = answerGroup(this.chat.turns, turnId)!;
      this.chat.turns.splice(index, 1);
      const rest = this.chat.turns.slice(group.start, group.end - 1);
      const last = rest.at(-1);
      if (!turn.alternate && last?.role === 'assistant') delete last.alternate;
    }
    this.changed();
  }

  /** Where the next request goes, adopting the workspace's choice for a chat that has none; or why it cannot go. */
  private target(): { target: StreamTarget } | { error: ChatErrorView } {
    if (this.deps.daemonState() === 'down') {
      this.deps.ui.retryDaemon();
      return {
        error: chatError(
          DAEMON_UNAVAILABLE,
          'The Switchboard daemon is not reachable.',
          'Switchboard is reconnecting; try again in a moment, or run "Switchboard: Restart Daemon".',
        ),
      };
    }
    const resolved = resolveTarget(this.chat, this.deps.choice(), this.deps.connections);
    if ('error' in resolved) return resolved;
    if (resolved.adopt)
      Object.assign(this.chat, { connectionId: resolved.adopt.connectionId, model: resolved.adopt.model });
    return { target: resolved.target };
  }

  /** A retry that cannot start: the reason replaces the last answer's error (or becomes a warning). */
  private showOnLastAnswer(error: ChatErrorView): void {
    const last = this.chat.turns.at(-1);
    if (last?.role === 'assistant' && last.status === 'error') {
      last.error = error;
      this.postChat();
    } else {
      this.deps.ui.warn(errorText(error));
    }
  }

  private selectConnection(connectionId: string): void {
    const connection = this.deps.connections.connections.find((c) => c.id === connectionId);
    if (!connection && this.deps.connections.loaded) {
      this.deps.ui.warn('That connection no longer exists.');
      return this.post({ type: 'connections', connections: connectionOptions(this.deps.connections) });
    }
    this.chat.connectionId = connectionId;
    // A new connection starts on its own default model.
    this.chat.model = connection?.defaultModel;
    this.pinned = true;
    this.changed();
  }

  private selectModel(model: string): void {
    if (!this.chat.connectionId) Object.assign(this.chat, initialChoice(this.deps.choice(), this.deps.connections));
    this.chat.model = model.trim() || undefined;
    this.pinned = true;
    this.changed();
  }

  private async loadModels(connectionId: string): Promise<void> {
    try {
      const { models } = await this.deps.request(ModelsList, { connectionId });
      this.post({ type: 'models', connectionId, models: models.map((m) => m.id) });
    } catch (error) {
      this.post({ type: 'models', connectionId, models: [], error: errorText(toChatError(error)) });
    }
  }

  private async rename(chatId: string, given?: string): Promise<void> {
    const chat = chatId === this.chat.id ? this.chat : this.deps.store.get(chatId);
    if (!chat) return;
    const title = given ?? (await this.deps.ui.askTitle(chat.title));
    if (title === undefined || cleanTitle(title) === '') return;
    if (this.deps.store.has(chatId)) {
      await this.deps.store.rename(chatId, title);
    } else {
      chat.title = cleanTitle(title);
      this.postChat();
    }
  }

  private async openLink(href: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      return;
    }
    // Model output is untrusted: command:, file:, vscode: and javascript: links are never followed.
    if (url.protocol === 'http:' || url.protocol === 'https:') await this.deps.ui.openExternal(url.toString());
  }

  private async errorAction(action: ChatErrorAction, turnId: string): Promise<void> {
    const { ui } = this.deps;
    const turn = this.chat.turns.find((t) => t.id === turnId);
    const connectionId =
      (turn?.role === 'assistant' ? turn.meta?.connectionId : undefined) ??
      this.chat.connectionId ??
      initialChoice(this.deps.choice(), this.deps.connections).connectionId;
    const args = connectionId ? [connectionId] : [];
    switch (action) {
      case 'retry':
        return this.retry();
      case 'testConnection':
        await ui.executeCommand('switchboard.testConnection', ...args);
        return;
      case 'replaceKey':
        // The connection manager opens on the connection with its key field open and focused.
        await ui.executeCommand('switchboard.editConnection', ...args, ...(connectionId ? [{ replaceKey: true }] : []));
        return;
      case 'editConnection':
        await ui.executeCommand('switchboard.editConnection', ...args);
        return;
      case 'selectConnection': {
        const picked = await ui.pickConnection(this.chat.connectionId);
        if (picked) this.selectConnection(picked);
        return;
      }
      default:
        return assertNever(action);
    }
  }

  /** A change of title, connection or model: stored (if the chat is) and shown. */
  private changed(): void {
    if (this.deps.store.has(this.chat.id)) void this.deps.store.update(this.chat);
    else this.postChat();
  }

  /** An untouched draft follows the workspace's choice (and the list, once it loads). */
  private followWorkspace(post = true): void {
    if (this.pinned || this.chat.turns.length > 0 || this.deps.store.has(this.chat.id)) return;
    const next = initialChoice(this.deps.choice(), this.deps.connections);
    if (next.connectionId === undefined && !this.deps.connections.loaded) return;
    if (next.connectionId === this.chat.connectionId && next.model === this.chat.model) return;
    this.chat.connectionId = next.connectionId;
    this.chat.model = next.model;
    if (post) this.postChat();
  }

  private newDraft(): ChatSession {
    this.pinned = false;
    return ChatStore.draft(initialChoice(this.deps.choice(), this.deps.connections));
  }

  private show(chat: ChatSession): void {
    this.chat = chat;
    this.deps.onDidShowChat?.(chat.id);
    this.postChat();
  }

  private postChat(): void {
    this.post({ type: 'chat', chat: this.chat, busy: this.deps.runner.isBusy(this.chat.id) });
    this.choiceEmitter.fire();
  }

  private state(): ChatViewState {
    return {
      chat: this.chat,
      connections: connectionOptions(this.deps.connections),
      history: this.deps.store.list(),
      attachments: this.attachments,
      daemon: this.deps.daemonState(),
      busy: this.deps.runner.isBusy(this.chat.id),
    };
  }

  private post(message: HostToChat): void {
    if (this.ready) this.deps.post(message);
  }
}

/** The answers to one message that `turnId` belongs to: `turns[start..end)` are assistant turns. */
export function answerGroup(turns: readonly ChatTurn[], turnId: string): { start: number; end: number } | undefined {
  const index = turns.findIndex((t) => t.id === turnId);
  if (index < 0 || turns[index]!.role !== 'assistant') return undefined;
  let start = index;
  while (start > 0 && turns[start - 1]!.role === 'assistant') start--;
  let end = index + 1;
  while (end < turns.length && turns[end]!.role === 'assistant') end++;
  return { start, end };
}
