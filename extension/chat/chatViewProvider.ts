/**
 * The chat in the Switchboard sidebar (`switchboard.chat`). Its host lives as long as the window, so
 * commands can add attachments before the view was ever opened; the page gets them with `init`.
 * The chat shown is remembered in workspaceState and shown again after a reload.
 */
import * as vscode from 'vscode';
import type { ChatHost } from './chatHost';
import type { AttachedHost, ChatServices } from './chatServices';
import { CHAT_VIEW_TYPE } from './chatContributions';
import { showChatPage } from './chatWebview';

const SHOWN_CHAT_KEY = 'switchboard.chat.viewChatId';

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  /** Registered by index.ts, which hands the view over once the chat is loaded. */
  static readonly viewType = CHAT_VIEW_TYPE;

  private readonly attached: AttachedHost;
  private view: vscode.WebviewView | undefined;
  private viewDisposables: vscode.Disposable[] = [];
  private readonly activeEmitter = new vscode.EventEmitter<void>();
  /** Fires when the person uses the view (it posted a message): commands then add to it. */
  readonly onDidBecomeActive: vscode.Event<void> = this.activeEmitter.event;

  constructor(
    private readonly services: ChatServices,
    private readonly state: vscode.Memento,
  ) {
    this.attached = services.createHost({
      post: (message) => void this.view?.webview.postMessage(message),
      initialChatId: state.get<string>(SHOWN_CHAT_KEY),
      onDidShowChat: (chatId) => void state.update(SHOWN_CHAT_KEY, chatId),
    });
  }

  get host(): ChatHost {
    return this.attached.host;
  }

  /** Whether the view's page exists and is visible. */
  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.view = view;
    showChatPage(view.webview, this.services.deps.extensionUri, this.host, this.viewDisposables, () =>
      this.activeEmitter.fire(),
    );
    // Hidden (another view took the sidebar, or the sidebar closed): no longer the chat in focus.
    view.onDidChangeVisibility(
      () => !view.visible && this.services.focus.blur(this.host),
      undefined,
      this.viewDisposables,
    );
    view.onDidDispose(
      () => {
        if (this.view !== view) return;
        this.view = undefined;
        this.services.focus.blur(this.host);
        this.host.detach();
        this.disposeView();
      },
      undefined,
      this.viewDisposables,
    );
  }

  /** Shows the view; `focus` puts the keyboard in it (then the page's input gets it with focusInput). */
  async reveal(focus: boolean): Promise<void> {
    if (this.view && !focus) return this.view.show(true);
    // The view may never have been opened: its focus command creates it.
    await vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`);
  }

  dispose(): void {
    this.disposeView();
    this.attached.dispose();
    this.activeEmitter.dispose();
  }

  private disposeView(): void {
    for (const d of this.viewDisposables.splice(0)) d.dispose();
  }
}
