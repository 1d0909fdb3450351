/**
 * The chat page's header: one row, the chat's connection and its model. Each is a button that opens
 * VS Code's own quick pick (searchable: OpenRouter lists hundreds of models; the connection pick goes
 * on to the model in one flow). New Chat, History and Open in Editor are in the title bar (the view's,
 * or a chat tab's), so the page does not repeat them.
 */
import type { ChatConnectionOption } from '../../../shared/webview';
import { h } from './dom';
import { connectionLabel } from './format';

export interface Header {
  el: HTMLElement;
  connection: HTMLButtonElement;
  model: HTMLButtonElement;
}

function pickerButton(action: string, cls: string): HTMLButtonElement {
  return h('button', { type: 'button', class: `picker ${cls}`, 'data-action': action });
}

export function buildHeader(): Header {
  const connection = pickerButton('pick-connection', 'connection-picker');
  const model = pickerButton('pick-model', 'model-picker');
  return { el: h('header', { class: 'chat-header' }, connection, model), connection, model };
}

/** The connection a chat uses: its own, else the default one. */
export function effectiveConnection(
  connections: ChatConnectionOption[],
  chosenId: string | undefined,
): ChatConnectionOption | undefined {
  return (
    connections.find((c) => c.id === chosenId) ??
    (chosenId === undefined ? connections.find((c) => c.isDefault) : undefined)
  );
}

/** Text, accessible name and tooltip of a picker button; its text is kept in the accessible name. */
function show(b: HTMLButtonElement, text: string, name: string, tooltip: string, status?: string): void {
  const label = h('span', { class: 'picker-label' }, text);
  const children: Node[] = status
    ? [h('span', { class: 'status-dot', 'data-status': status, 'aria-hidden': 'true' }), label]
    : [label];
  b.replaceChildren(...children);
  b.setAttribute('aria-label', name);
  b.title = tooltip;
  if (status) b.dataset.status = status;
  else delete b.dataset.status;
}

/** The chat's connection and model (or what is missing) on the two buttons. */
export function renderHeader(
  header: Header,
  connections: ChatConnectionOption[],
  chosen: ChatConnectionOption | undefined,
  model: string | undefined,
): void {
  if (chosen) {
    show(
      header.connection,
      chosen.name,
      `Connection: ${chosen.name}`,
      `${connectionLabel(chosen)}. Change this chat's connection, then its model.`,
      chosen.status ?? 'untested',
    );
  } else {
    const text = connections.length ? 'Choose a connection' : 'Add a connection';
    show(
      header.connection,
      text,
      `Connection: ${text}`,
      connections.length ? 'Choose the connection this chat sends to.' : 'Switchboard has no connections yet: add one.',
    );
  }
  header.connection.dataset.connectionId = chosen?.id ?? '';
  const modelText = model ?? 'Choose a model';
  show(
    header.model,
    modelText,
    `Model: ${modelText}`,
    chosen ? `Search the models of ${chosen.name} for this chat.` : 'Choose a connection first.',
  );
  header.model.dataset.model = model ?? '';
  header.model.disabled = !chosen;
}
