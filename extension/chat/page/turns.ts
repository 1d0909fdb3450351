/**
 * One chat turn as DOM. A user turn shows its text verbatim (it is what the person typed) with its
 * attachment chips; an assistant turn shows its Markdown, a "Stopped" marker, an inline error with its
 * actions, and the meta line. Buttons carry `data-action`; the view handles clicks in one place.
 */
import type { ChatAttachment, ChatErrorView, ChatTurn } from '../../../shared/webview';
import { renderAnswerBody } from './answerBody';
import { button, h } from './dom';
import { ERROR_ACTION_LABELS, metaParts } from './format';

type AssistantTurn = Extract<ChatTurn, { role: 'assistant' }>;

export function renderTurn(turn: ChatTurn): HTMLElement {
  return turn.role === 'user' ? userTurn(turn) : assistantTurn(turn);
}

function userTurn(turn: Extract<ChatTurn, { role: 'user' }>): HTMLElement {
  const el = h('article', { class: 'turn user', 'data-turn-id': turn.id, 'aria-label': 'You' });
  if (turn.attachments.length) el.append(h('ul', { class: 'turn-attachments', 'aria-label': 'Attached context' }, ...turn.attachments.map(chip)));
  el.append(h('div', { class: 'turn-body user-text' }, turn.text));
  return el;
}

function chip(a: ChatAttachment): HTMLElement {
  return h('li', { class: 'attachment-chip', title: a.path }, h('span', { class: 'chip-label' }, a.label));
}

/** An assistant turn: its body (Markdown) and what follows it. A changed turn is drawn anew (view.ts). */
function assistantTurn(turn: AssistantTurn): HTMLElement {
  const el = h('article', { class: 'turn assistant', 'data-turn-id': turn.id, 'aria-label': 'Assistant' });
  const body = h('div', { class: 'turn-body markdown' });
  el.append(body);
  el.dataset.status = turn.status;
  // While streaming, screen readers wait for the finished answer instead of reading every frame.
  el.setAttribute('aria-busy', String(turn.status === 'streaming'));
  renderAnswerBody(body, turn.text, turn.status === 'streaming');
  if (turn.status === 'stopped') el.append(h('p', { class: 'answer-stopped' }, 'Stopped'));
  if (turn.error) el.append(errorView(turn.error, turn.id));
  if (turn.meta && turn.status !== 'streaming') {
    const parts = metaParts(turn.meta);
    const line = h('p', { class: 'answer-meta' });
    parts.forEach((p, i) => line.append(...(i ? [h('span', { class: 'sep', 'aria-hidden': 'true' }, ' · ')] : []), h('span', { class: p.cls }, p.text)));
    el.append(line);
  }
  return el;
}

function errorView(error: ChatErrorView, turnId: string): HTMLElement {
  const box = h('div', { class: 'answer-error', role: 'alert', 'data-code': error.code },
    h('p', { class: 'error-message' }, error.message));
  if (error.hint) box.append(h('p', { class: 'error-hint' }, error.hint));
  if (error.actions.length) {
    box.append(h('div', { class: 'error-actions' },
      ...error.actions.map((a) => button(ERROR_ACTION_LABELS[a], 'error-action', { cls: a === 'retry' ? undefined : 'secondary', data: { errorAction: a, turnId } }))));
  }
  return box;
}
