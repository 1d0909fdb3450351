/**
 * What the page says when it has nothing else to show: the daemon banner (connecting, unreachable) and
 * the empty state (loading, no connection yet, a new chat). Each tells the reader what to do next.
 */
import type { ChatViewState } from '../../../shared/webview';
import { h } from './dom';

export function buildDaemonBanner(): HTMLElement {
  return h('div', { class: 'daemon-banner', role: 'status', hidden: true });
}

export function renderDaemonBanner(banner: HTMLElement, daemon: ChatViewState['daemon']): void {
  banner.textContent = daemon === 'starting' ? 'Connecting to the Switchboard daemon…'
    : daemon === 'down' ? 'The Switchboard daemon is not reachable. The extension keeps retrying; run "Switchboard: Restart Daemon" or "Switchboard: Show Daemon Log" from the Command Palette.'
    : '';
  banner.dataset.state = daemon;
  banner.hidden = daemon === 'connected';
}

export function buildEmptyState(): HTMLElement {
  return h('div', { class: 'empty-state' }, 'Loading…');
}

/** The empty state for `state` (undefined: before `init`); hidden while the history is open. */
export function renderEmptyState(empty: HTMLElement, state: ChatViewState | undefined, historyOpen: boolean): void {
  const text = !state ? 'Loading…'
    : state.connections.length === 0 ? 'Add a connection to start chatting: run "Switchboard: Add Connection" from the Command Palette.'
    : state.chat.turns.length === 0 ? 'Ask anything about your code. Add a selection or a file for context, then press Enter to send.'
    : '';
  empty.textContent = text;
  empty.hidden = text === '' || historyOpen;
}
