/**
 * The chat page's header: Connection and Model pickers and the New Chat / History / Open in Editor
 * buttons. The pickers are native `<select>`s (keyboard and screen-reader support for free); their
 * options are only rebuilt when they change, so an open dropdown survives unrelated updates.
 */
import type { ChatConnectionOption } from '../../../shared/webview';
import { button, h } from './dom';
import { connectionLabel } from './format';

/** Models of one connection as far as the page knows them. */
export type ModelList = { state: 'loading' } | { state: 'loaded'; models: string[] } | { state: 'error'; error: string };

export interface Header {
  el: HTMLElement;
  connection: HTMLSelectElement;
  model: HTMLSelectElement;
  history: HTMLButtonElement;
}

export function buildHeader(): Header {
  const connection = h('select', { class: 'connection-picker', 'aria-label': 'Connection', title: 'Connection' });
  const model = h('select', { class: 'model-picker', 'aria-label': 'Model', title: 'Model' });
  const history = button('History', 'toggle-history', { cls: 'secondary' });
  history.setAttribute('aria-expanded', 'false');
  history.setAttribute('aria-controls', 'history');
  const el = h('header', { class: 'chat-header' },
    h('div', { class: 'pickers' }, connection, model),
    h('div', { class: 'header-actions' },
      button('New Chat', 'new-chat', { cls: 'secondary' }),
      history,
      button('Open Chat in Editor', 'open-in-editor', { cls: 'secondary', text: 'Open in Editor' })));
  return { el, connection, model, history };
}

interface OptionSpec { value: string; label: string; disabled?: boolean; status?: string }

/** Replaces a select's options unless they are the same as shown, then selects `selected`. */
function fill(select: HTMLSelectElement, options: OptionSpec[], selected: string): void {
  const signature = JSON.stringify(options);
  if (select.dataset.options !== signature) {
    select.dataset.options = signature;
    select.replaceChildren(...options.map((o) => h('option', { value: o.value, disabled: o.disabled, 'data-status': o.status }, o.label)));
  }
  select.value = selected;
}

/** The connection a chat uses: its own, else the default one. */
export function effectiveConnection(connections: ChatConnectionOption[], chosenId: string | undefined): ChatConnectionOption | undefined {
  return connections.find((c) => c.id === chosenId) ?? (chosenId === undefined ? connections.find((c) => c.isDefault) : undefined);
}

export function fillConnections(select: HTMLSelectElement, connections: ChatConnectionOption[], chosen: ChatConnectionOption | undefined): void {
  const options: OptionSpec[] = connections.map((c) => ({ value: c.id, label: connectionLabel(c), status: c.status ?? 'untested' }));
  if (!chosen) options.unshift({ value: '', label: connections.length ? 'Choose a connection' : 'No connections', disabled: true });
  fill(select, options, chosen?.id ?? '');
  select.disabled = connections.length === 0;
}

/** The chat's model first, then the connection's other models (or why they are missing). */
export function fillModels(select: HTMLSelectElement, current: string | undefined, list: ModelList | undefined): void {
  const options: OptionSpec[] = current ? [{ value: current, label: current }] : [{ value: '', label: 'Choose a model', disabled: true }];
  if (list?.state === 'loaded') options.push(...list.models.filter((m) => m !== current).map((m) => ({ value: m, label: m })));
  else if (list?.state === 'loading') options.push({ value: '\u0000loading', label: 'Loading models…', disabled: true });
  else if (list?.state === 'error') options.push({ value: '\u0000error', label: `Models unavailable: ${list.error}`, disabled: true });
  fill(select, options, current ?? '');
}
