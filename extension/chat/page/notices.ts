/**
 * What the page says when it has nothing else to show: the daemon banner (connecting, unreachable) and
 * the empty state (loading, no connection yet, a new chat). Each tells the reader what to do next.
 */
import type { ChatPageCommand, ChatViewState } from '../../../shared/webview';
import { button, h } from './dom';

export function buildDaemonBanner(): HTMLElement {
  return h('div', { class: 'daemon-banner', role: 'status', hidden: true });
}

export function renderDaemonBanner(banner: HTMLElement, daemon: ChatViewState['daemon']): void {
  banner.textContent =
    daemon === 'starting'
      ? 'Connecting to the Switchboard daemon…'
      : daemon === 'down'
        ? 'The Switchboard daemon is not reachable. The extension keeps retrying; run "Switchboard: Restart Daemon" or "Switchboard: Show Daemon Log" from the Command Palette.'
        : '';
  banner.dataset.state = daemon;
  banner.hidden = daemon === 'connected';
}

export function buildEmptyState(): HTMLElement {
  return h('div', { class: 'empty-state' }, 'Loading…');
}

/**
 * The empty state for `state` (undefined: before `init`); hidden while the history is open. With no
 * connection yet it offers the buttons that add one (run in VS Code by the host).
 */
export function renderEmptyState(empty: HTMLElement, state: ChatViewState | undefined, historyOpen: boolean): void {
  const command = (label: string, id: ChatPageCommand, cls?: string) =>
    button(label, 'run-command', { data: { command: id }, ...(cls ? { cls } : {}) });
  const parts: Array<Node | string> = !state
    ? ['Loading…']
    : state.connections.length === 0
      ? [
          h(
            'p',
            {},
            'Add a connection to start chatting: an API key (OpenAI, Anthropic, OpenRouter, …) or a local server such as Ollama.',
          ),
          h(
            'div',
            { class: 'empty-actions' },
            command('Add Connection', 'addConnection'),
            command('Import from Environment', 'importFromEnvironment', 'secondary'),
          ),
          h(
            'p',
            { class: 'empty-hint' },
            'Import from Environment finds the keys already in your environment or .env file. ',
            button('Open the Get Started walkthrough', 'run-command', {
              text: 'New here? Take the tour.',
              cls: 'link-button',
              data: { command: 'openWalkthrough' },
            }),
          ),
        ]
      : state.chat.turns.length === 0
        ? [
            h('p', {}, 'Ask anything about your code, then press Enter to send.'),
            h(
              'p',
              { class: 'empty-hint' },
              'Type @ to add a file, a symbol, the selection, the problems or terminal output; / for /explain, /fix, /tests or /ask another connection. Paste an image to show it.',
            ),
          ]
        : [];
  empty.replaceChildren(...parts);
  empty.hidden = parts.length === 0 || historyOpen;
}
