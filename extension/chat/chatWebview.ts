/**
 * What the sidebar view and the editor tab share about their webview: strict options (scripts on,
 * resources from dist/webviews only), the page with a fresh nonce, and message intake.
 */
import * as vscode from 'vscode';
import { pageNonce } from '../webviewKit/nonce';
import type { ChatToHost } from '../../shared/webview';
import { renderPage } from './chatHtml';
import type { ChatHost } from './chatHost';

export function chatWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    // The page loads its bundle and stylesheet and nothing else.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews')],
  };
}

/** Sets the options and the page, and routes the page's messages to `host`. */
export function showChatPage(webview: vscode.Webview, extensionUri: vscode.Uri, host: ChatHost, disposables: vscode.Disposable[], onMessage?: () => void): void {
  // A new page: nothing reaches it until it says `ready` (and gets everything in `init`).
  host.detach();
  webview.options = chatWebviewOptions(extensionUri);
  const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webviews');
  webview.html = renderPage({
    cspSource: webview.cspSource,
    nonce: pageNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'chat.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'chat.css')).toString(),
  });
  webview.onDidReceiveMessage(
    (message: ChatToHost) => {
      // Only our own page posts here, but a malformed message must not reach the switch.
      if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
      onMessage?.();
      void host.handle(message);
    },
    undefined,
    disposables,
  );
}
