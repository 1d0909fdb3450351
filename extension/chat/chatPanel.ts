/**
 * "Open Chat in Editor": chats in editor tabs (`switchboard.chatPanel`), one tab per chat (asking
 * twice for the same chat brings its tab forward). A tab shows the same live chat as the sidebar,
 * so a stream started in one is drawn in both. Tabs come back after a reload with their chats: the
 * chats shown in tabs are remembered in workspaceState, since the page's own state does not name one.
 */
import * as vscode from 'vscode';
import type { ChatHost } from './chatHost';
import type { AttachedHost, ChatServices } from './chatServices';
import { webviewOptions } from '../webviewKit/panelOptions';
import { CHAT_PANEL_VIEW_TYPE } from './chatContributions';
import { showChatPage } from './chatWebview';

const OPEN_CHATS_KEY = 'switchboard.chat.panelChatIds';

export class ChatPanel implements vscode.Disposable {
  private readonly attached: AttachedHost;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly owner: ChatPanels,
    services: ChatServices,
    chatId: string | undefined,
  ) {
    this.attached = services.createHost({
      post: (message) => void panel.webview.postMessage(message),
      ...(chatId ? { initialChatId: chatId } : {}),
      onDidShowChat: () => owner.remember(),
    });
    panel.iconPath = vscode.Uri.joinPath(services.deps.extensionUri, 'extension', 'media', 'switchboard.svg');
    showChatPage(panel.webview, services.deps.extensionUri, this.host, this.disposables, () => owner.used(this));
    const retitle = (): void => void (panel.title = this.host.current.title);
    retitle();
    this.disposables.push(
      services.runner.onDidChangeChat(retitle),
      services.store.onDidChange(retitle),
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.active) return services.focus.blur(this.host);
        owner.used(this);
        services.focus.focus(this.host);
      }),
    );
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
  }

  get host(): ChatHost {
    return this.attached.host;
  }

  dispose(): void {
    this.owner.closed(this);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.attached.dispose();
  }
}

export class ChatPanels implements vscode.Disposable {
  static readonly viewType = CHAT_PANEL_VIEW_TYPE;
  private readonly open = new Set<ChatPanel>();
  private lastUsed: ChatPanel | undefined;
  private readonly usedEmitter = new vscode.EventEmitter<ChatPanel>();
  /** Fires when the person uses a tab (focused it, or its page posted a message). */
  readonly onDidUse: vscode.Event<ChatPanel> = this.usedEmitter.event;

  constructor(
    private readonly services: ChatServices,
    private readonly state: vscode.Memento,
  ) {}

  /** The open tabs. */
  get panels(): readonly ChatPanel[] {
    return [...this.open];
  }

  /** The tab used last, if it is still open and visible. */
  get lastVisible(): ChatPanel | undefined {
    return this.lastUsed && this.open.has(this.lastUsed) && this.lastUsed.panel.visible ? this.lastUsed : undefined;
  }

  /** Opens `chatId` in a tab (or brings its tab forward); without one, or for an unsaved chat, a new chat. */
  show(chatId?: string): ChatPanel {
    const existing = chatId ? [...this.open].find((p) => p.host.current.id === chatId) : undefined;
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const webviewPanel = vscode.window.createWebviewPanel(ChatPanels.viewType, 'Chat', vscode.ViewColumn.Active, {
      ...webviewOptions(this.services.deps.extensionUri),
      retainContextWhenHidden: true,
    });
    const panel = this.adopt(webviewPanel, chatId);
    // Just opened: context added next ("Ask About Selection") goes here.
    this.used(panel);
    return panel;
  }

  /**
   * Brings a tab back after a reload, with the chat its page's state names or one remembered. index.ts
   * registers the serializer (`onWebviewPanel:switchboard.chatPanel` in activationEvents).
   */
  deserialize(panel: vscode.WebviewPanel, state: unknown): void {
    const named = (state as { chatId?: unknown } | undefined)?.chatId;
    const taken = new Set(this.panels.map((p) => p.host.current.id));
    const remembered = this.state
      .get<string[]>(OPEN_CHATS_KEY, [])
      .find((id) => !taken.has(id) && this.services.store.has(id));
    this.adopt(panel, typeof named === 'string' ? named : remembered);
  }

  /** Writes which chats the open tabs show. */
  remember(): void {
    void this.state.update(
      OPEN_CHATS_KEY,
      this.panels.map((p) => p.host.current.id),
    );
  }

  used(panel: ChatPanel): void {
    this.lastUsed = panel;
    this.usedEmitter.fire(panel);
  }

  closed(panel: ChatPanel): void {
    if (!this.open.delete(panel)) return;
    if (this.lastUsed === panel) this.lastUsed = undefined;
    this.remember();
  }

  dispose(): void {
    // Leave OPEN_CHATS_KEY as it is: the window is closing and its tabs are to come back.
    const panels = [...this.open];
    this.open.clear();
    for (const p of panels) p.panel.dispose();
    this.usedEmitter.dispose();
  }

  private adopt(webviewPanel: vscode.WebviewPanel, chatId: string | undefined): ChatPanel {
    const panel = new ChatPanel(webviewPanel, this, this.services, chatId);
    this.open.add(panel);
    this.remember();
    return panel;
  }
}
