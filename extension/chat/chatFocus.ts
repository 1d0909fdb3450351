/**
 * Which chat the person is in, so that the status bar and "Select Connection / Select Model" speak of
 * that chat instead of the workspace's default. A chat is focused from the moment the person uses its
 * page (or its tab becomes the active editor) until they are back in a text editor, or the chat is
 * hidden or closed. (The page merely getting the keyboard does not count: opening the Switchboard
 * side bar gives it to the chat view.) Opening the palette or clicking the status bar takes the keyboard from the
 * page but not the chat from the person: that is exactly when they act on it.
 */
import * as vscode from 'vscode';
import type { ChatHost } from './chatHost';
import type { Disposable } from './emitter';

export class ChatFocus implements vscode.Disposable {
  private focused: ChatHost | undefined;
  private focusedChoice: Disposable | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when another chat (or none) is focused, and when the focused chat's connection or model changes. */
  readonly onDidChange: vscode.Event<void> = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor() {
    // Back in a text editor: by switching to one, or by clicking or typing in one (the same editor
    // as before fires no change of active editor).
    vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.set(undefined), undefined, this.disposables);
    vscode.window.onDidChangeTextEditorSelection(
      (e) => e.kind !== undefined && this.set(undefined),
      undefined,
      this.disposables,
    );
  }

  /** The chat the person is in, if any. */
  get host(): ChatHost | undefined {
    return this.focused;
  }

  focus(host: ChatHost): void {
    this.set(host);
  }

  /** `host` was hidden or closed: it is no longer the chat in focus. */
  blur(host: ChatHost): void {
    if (this.focused === host) this.set(undefined);
  }

  dispose(): void {
    this.focusedChoice?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private set(host: ChatHost | undefined): void {
    if (host === this.focused) return;
    this.focusedChoice?.dispose();
    this.focused = host;
    this.focusedChoice = host?.onDidChangeChoice(() => this.emitter.fire());
    this.emitter.fire();
  }
}
