/**
 * What the sidebar view and the editor tab share about their webview: strict options, the page with a
 * fresh nonce, and message intake (all three from webviewKit).
 */
import type * as vscode from 'vscode';
import type { ChatToHost } from '../../shared/webview';
import { onPageMessage } from '../webviewKit/messageGuard';
import { pageResources, webviewOptions } from '../webviewKit/panelOptions';
import { renderPage } from './chatHtml';
import type { ChatHost } from './chatHost';

/** Sets the options and the page, and routes the page's messages to `host`. */
export function showChatPage(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  host: ChatHost,
  disposables: vscode.Disposable[],
  onMessage?: () => void,
): void {
  // A new page: nothing reaches it until it says `ready` (and gets everything in `init`).
  host.detach();
  webview.options = webviewOptions(extensionUri);
  webview.html = renderPage(pageResources(webview, extensionUri, 'chat'));
  onPageMessage<ChatToHost>(
    webview,
    (message) => {
      onMessage?.();
      void host.handle(message);
    },
    disposables,
  );
}
