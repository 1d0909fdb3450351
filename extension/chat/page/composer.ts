/**
 * The bottom of the chat page: context chips (each removable) with Add selection / Add file / Attach
 * image, the `@` / `/` suggestions, the message box, the Send / Stop button and the slot where a
 * refused send says why.
 */
import type { ChatAttachment, ChatErrorView } from '../../../shared/webview';
import { button, h } from './dom';

export interface Composer {
  el: HTMLElement;
  chips: HTMLElement;
  error: HTMLElement;
  input: HTMLTextAreaElement;
  send: HTMLButtonElement;
}

export function buildComposer(): Composer {
  const chips = h('ul', { class: 'attachments', 'aria-label': 'Context for the next message' });
  const error = h('div', { class: 'composer-error', role: 'alert', hidden: true });
  const input = h('textarea', {
    class: 'message-input',
    'aria-label': 'Message',
    rows: '3',
    spellcheck: 'true',
    placeholder: 'Ask a question: @ adds context, / runs a command (Enter to send, Shift+Enter for a new line)',
  });
  const send = button('Send', 'send', { cls: 'send' });
  const el = h(
    'footer',
    { class: 'composer' },
    h(
      'div',
      { class: 'context-bar' },
      chips,
      h(
        'div',
        { class: 'context-actions' },
        button('Add selection', 'add-selection', { cls: 'secondary small' }),
        button('Add file', 'add-file', { cls: 'secondary small' }),
        button('Attach image', 'attach-image', { cls: 'secondary small' }),
      ),
    ),
    error,
    h('div', { class: 'input-row' }, input, send),
  );
  return { el, chips, error, input, send };
}

/** Puts the suggestion list right above the message box. */
export function placeSuggestions(composer: Composer, list: HTMLElement): void {
  composer.input.parentElement!.before(list);
}

export function renderAttachments(chips: HTMLElement, attachments: ChatAttachment[]): void {
  chips.replaceChildren(
    ...attachments.map((a) =>
      h(
        'li',
        { class: 'attachment-chip', title: a.path, 'data-attachment-id': a.id, 'data-kind': a.kind },
        h('span', { class: 'chip-kind' }, a.kind === 'selection' ? 'sel' : a.kind),
        h('span', { class: 'chip-label' }, a.label),
        button(`Remove ${a.label}`, 'remove-attachment', {
          text: '×',
          cls: 'chip-remove',
          data: { attachmentId: a.id },
        }),
      ),
    ),
  );
  chips.hidden = attachments.length === 0;
}

/** Why the last send was refused (with what to do), or nothing. */
export function showSendError(slot: HTMLElement, error: ChatErrorView | undefined): void {
  slot.hidden = error === undefined;
  slot.replaceChildren(
    ...(error
      ? [
          h('p', { class: 'error-message' }, error.message),
          ...(error.hint ? [h('p', { class: 'error-hint' }, error.hint)] : []),
        ]
      : []),
  );
}

/** Send, or Stop while an answer streams. */
export function setSendButton(send: HTMLButtonElement, busy: boolean, canSend: boolean): void {
  const label = busy ? 'Stop' : 'Send';
  send.textContent = label;
  send.setAttribute('aria-label', label);
  send.title = busy ? 'Stop the answer' : 'Send (Enter)';
  send.dataset.action = busy ? 'stop' : 'send';
  send.classList.toggle('stop', busy);
  send.disabled = !busy && !canSend;
}
