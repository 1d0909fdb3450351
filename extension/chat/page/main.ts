/**
 * The chat page's entry (browser side, bundled to dist/webviews/chat.js with chat.css). It only wires
 * VS Code's webview API and the window's message events to the view; everything else is in view.ts.
 */
import './style.css';
import type { ChatToHost, HostToChat } from '../../../shared/webview';
import { createChatView, type ChatPageState } from './view';

interface VsCodeApi {
  postMessage(message: ChatToHost): void;
  getState(): unknown;
  setState(state: ChatPageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const view = createChatView(document.getElementById('app')!, (m) => vscode.postMessage(m), {
  state: { get: () => vscode.getState(), set: (s) => vscode.setState(s) },
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data;
  // Only the host posts to this page; still, ignore anything that is not one of its messages.
  if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string')
    view.receive(data as HostToChat);
});
vscode.postMessage({ type: 'ready' });
