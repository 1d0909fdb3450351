/**
 * Edit and resend, inside the message itself: the text becomes a box with Send / Cancel (Enter sends,
 * Escape cancels). Sending asks the host to replace the message and drop what followed it; the box
 * stays until the host's new snapshot replaces the turn, so a refused edit keeps what was typed.
 */
import type { ChatToHost } from '../../../shared/webview';
import { button, h } from './dom';

const turnOf = (el: Element): HTMLElement | null => el.closest<HTMLElement>('.turn.user');

/** Opens the edit box of the message `from` belongs to (or focuses the open one). */
export function startEdit(from: Element, post: (m: ChatToHost) => void): void {
  const turn = turnOf(from);
  if (!turn) return;
  const open = turn.querySelector<HTMLTextAreaElement>('.edit-input');
  if (open) return open.focus();
  const text = turn.querySelector<HTMLElement>('.user-text');
  const input = h('textarea', { class: 'edit-input', 'aria-label': 'Edit message', rows: '3', spellcheck: 'true' });
  input.value = text?.textContent ?? '';
  const box = h(
    'div',
    { class: 'edit-box' },
    input,
    h(
      'div',
      { class: 'edit-actions' },
      button('Send Edited Message', 'send-edit', { text: 'Send' }),
      button('Cancel Edit', 'cancel-edit', { text: 'Cancel', cls: 'secondary' }),
    ),
  );
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      // Handled: the page's Escape (stop the answer) must not fire too.
      e.preventDefault();
      cancelEdit(input);
    } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submitEdit(input, post);
    }
  });
  if (text) text.hidden = true;
  setActionsHidden(turn, true);
  (text ?? turn.lastElementChild)?.after(box);
  input.focus();
}

/** Asks the host to resend the message with the edited text. */
export function submitEdit(from: Element, post: (m: ChatToHost) => void): void {
  const turn = turnOf(from);
  const input = turn?.querySelector<HTMLTextAreaElement>('.edit-input');
  if (!turn || !input) return;
  post({ type: 'editMessage', turnId: turn.dataset.turnId!, text: input.value });
}

export function cancelEdit(from: Element): void {
  const turn = turnOf(from);
  if (!turn) return;
  turn.querySelector('.edit-box')?.remove();
  const text = turn.querySelector<HTMLElement>('.user-text');
  if (text) text.hidden = false;
  setActionsHidden(turn, false);
  turn.querySelector<HTMLButtonElement>('button[data-action="edit-message"]')?.focus();
}

function setActionsHidden(turn: HTMLElement, hidden: boolean): void {
  const actions = turn.querySelector<HTMLElement>('.turn-actions');
  if (actions) actions.hidden = hidden;
}
