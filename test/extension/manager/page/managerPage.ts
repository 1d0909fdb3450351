/**
 * Loads the connection manager's real page and script into happy-dom (call from a test file marked
 * `// @vitest-environment happy-dom`): the page's markup, a stand-in for `acquireVsCodeApi` that
 * records what the page posts and saves, and the window listeners the script adds, so `unload()`
 * can remove them before the next test loads a fresh copy.
 */
import { vi } from 'vitest';
import type { HostToManager, ManagerToHost } from '../../../../shared/webview';
import { renderPage } from '../../../../extension/manager/managerHtml';

export interface ManagerPage {
  /** Messages the page posted to the host, oldest first. */
  posted: ManagerToHost[];
  /** States the page saved with `setState` (what VS Code would write to disk). */
  states: unknown[];
  /** Delivers a host message to the page. */
  send(message: HostToManager): void;
  /** Removes the script's listeners and the page. */
  unload(): void;
}

export async function loadManagerPage(): Promise<ManagerPage> {
  const posted: ManagerToHost[] = [];
  const states: unknown[] = [];
  const listeners: Array<[string, EventListenerOrEventListenerObject]> = [];
  const html = renderPage({ cspSource: 'vscode-resource:', nonce: 'n', scriptUri: 'm.js', styleUri: 'm.css' });
  document.body.innerHTML = /<body>([\s\S]*)<\/body>/.exec(html)![1]!.replace(/<script[\s\S]*?<\/script>/, '');
  // happy-dom has no Option constructor; the page uses it as browsers provide it.
  (globalThis as Record<string, unknown>).Option ??= function Option(text = '', value?: string) {
    const o = document.createElement('option');
    o.textContent = text;
    o.value = value ?? text;
    return o;
  };
  (globalThis as Record<string, unknown>).acquireVsCodeApi = () => ({
    postMessage: (m: ManagerToHost) => posted.push(m),
    getState: () => undefined,
    setState: (s: unknown) => states.push(s),
  });
  const add = window.addEventListener.bind(window);
  const spy = vi
    .spyOn(window, 'addEventListener')
    .mockImplementation((type: string, listener: EventListenerOrEventListenerObject) => {
      listeners.push([type, listener]);
      add(type, listener);
    });
  vi.resetModules();
  await import('../../../../extension/manager/page/main');
  spy.mockRestore();
  return {
    posted,
    states,
    send: (message) => window.dispatchEvent(new MessageEvent('message', { data: message })),
    unload: () => {
      for (const [type, listener] of listeners.splice(0)) window.removeEventListener(type, listener);
      document.body.innerHTML = '';
    },
  };
}
