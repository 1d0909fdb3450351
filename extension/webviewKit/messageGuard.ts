/**
 * Intake of a page's messages. Only our own page posts to its webview, but a malformed message (a
 * page bug, a stale page after an update) must not reach a host's `switch`: anything that is not an
 * object with a string `type` is dropped here, once for every webview.
 */
import type * as vscode from 'vscode';

/** Whether `message` has the shape every page-to-host message shares. */
export function isPageMessage(message: unknown): message is { type: string } {
  return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string';
}

/** Routes the well-formed messages of `webview`'s page to `handle`. */
export function onPageMessage<M extends { type: string }>(
  webview: vscode.Webview,
  handle: (message: M) => void,
  disposables: vscode.Disposable[],
): void {
  webview.onDidReceiveMessage(
    (message: unknown) => {
      // The page is ours, so a well-formed `type` means one of M's members.
      if (isPageMessage(message)) handle(message as M);
    },
    undefined,
    disposables,
  );
}
