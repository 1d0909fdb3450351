/**
 * One chat turn as DOM. A user turn shows its text verbatim (it is what the person typed) with its
 * attachment chips and Edit / Delete; an assistant turn shows its reasoning (folded), its Markdown, the
 * tools it called, a "Stopped" marker, an inline error with its actions, the meta line and its own
 * actions (Copy, Regenerate, Regenerate with…, Delete). Buttons carry `data-action`; the view handles
 * clicks in one place. Actions that change the chat are hidden while an answer streams (style.css,
 * `.idle-only`), so a turn is not redrawn when streaming starts or ends.
 */
import type { ChatAttachment, ChatErrorView, ChatToolCallView, ChatTurn } from '../../../shared/webview';
import { renderAnswerBody } from './answerBody';
import { button, h } from './dom';
import { ERROR_ACTION_LABELS, metaParts, sourceParts } from './format';

type AssistantTurn = Extract<ChatTurn, { role: 'assistant' }>;

export function renderTurn(turn: ChatTurn): HTMLElement {
  return turn.role === 'user' ? userTurn(turn) : assistantTurn(turn);
}

/**
 * Only answers to the last message can be regenerated: their Regenerate buttons show, the others'
 * hide. Set on the drawn element, so a turn is not drawn again when a later message makes it older.
 */
export function setLastAnswer(turnEl: HTMLElement, last: boolean): void {
  for (const b of turnEl.querySelectorAll<HTMLElement>(':scope > .turn-actions > .last-only')) b.hidden = !last;
}

function userTurn(turn: Extract<ChatTurn, { role: 'user' }>): HTMLElement {
  const el = h('article', { class: 'turn user', 'data-turn-id': turn.id, 'aria-label': 'You' });
  if (turn.attachments.length)
    el.append(h('ul', { class: 'turn-attachments', 'aria-label': 'Attached context' }, ...turn.attachments.map(chip)));
  el.append(h('div', { class: 'turn-body user-text' }, turn.text));
  const data = { turnId: turn.id };
  el.append(
    h(
      'div',
      { class: 'turn-actions idle-only' },
      button('Edit and Resend', 'edit-message', { text: 'Edit', cls: 'secondary small', data }),
      button('Delete Message and Its Answers', 'delete-turn', { text: 'Delete', cls: 'secondary small', data }),
    ),
  );
  return el;
}

function chip(a: ChatAttachment): HTMLElement {
  return h('li', { class: 'attachment-chip', title: a.path }, h('span', { class: 'chip-label' }, a.label));
}

/** An assistant turn: its body (Markdown) and what follows it. A changed turn is drawn anew (view.ts). */
function assistantTurn(turn: AssistantTurn): HTMLElement {
  const el = h('article', {
    class: turn.alternate ? 'turn assistant alternate' : 'turn assistant',
    'data-turn-id': turn.id,
    'aria-label': 'Assistant',
  });
  const streaming = turn.status === 'streaming';
  if (turn.reasoning) el.append(reasoningView(turn.reasoning, streaming && turn.text === ''));
  const body = h('div', { class: 'turn-body markdown' });
  el.append(body);
  el.dataset.status = turn.status;
  // While streaming, screen readers wait for the finished answer instead of reading every frame.
  el.setAttribute('aria-busy', String(streaming));
  renderAnswerBody(body, turn.text, streaming);
  if (turn.toolCalls?.length) el.append(...turn.toolCalls.map(toolCallView));
  if (turn.status === 'stopped') el.append(h('p', { class: 'answer-stopped' }, 'Stopped'));
  if (turn.error) el.append(errorView(turn.error, turn.id));
  if (turn.meta && !streaming) el.append(metaLine('answer-meta', metaParts(turn.meta)));
  // While it streams, an answer says where it comes from (Regenerate with… may ask another model).
  else if (turn.source && streaming) el.append(metaLine('answer-meta answer-source', sourceParts(turn.source)));
  if (!streaming) el.append(answerActions(turn));
  return el;
}

function metaLine(cls: string, parts: Array<{ cls: string; text: string }>): HTMLElement {
  const line = h('p', { class: cls });
  parts.forEach((p, i) =>
    line.append(
      ...(i ? [h('span', { class: 'sep', 'aria-hidden': 'true' }, ' · ')] : []),
      h('span', { class: p.cls }, p.text),
    ),
  );
  return line;
}

/**
 * "No data for 12 s", with Stop and Retry, in a streaming answer that has received nothing for a
 * while (Retry stops it and asks again in its place). Not `idle-only`: it is for a busy chat.
 */
export function stallNotice(seconds: number): HTMLElement {
  return h(
    'div',
    { class: 'answer-stalled', role: 'status' },
    h('span', { class: 'stall-text' }, `No data for ${seconds} s`),
    h('span', { class: 'stall-hint' }, 'The connection may have stalled, or the model is still working.'),
    button('Stop the Stalled Answer', 'stop', { text: 'Stop', cls: 'secondary small' }),
    button('Stop and Ask Again', 'retry-stalled', { text: 'Retry', cls: 'small' }),
  );
}

function answerActions(turn: AssistantTurn): HTMLElement {
  const data = { turnId: turn.id };
  const small = 'secondary small';
  return h(
    'div',
    { class: 'turn-actions' },
    ...(turn.text ? [button('Copy Answer', 'copy-answer', { text: 'Copy', cls: small, data })] : []),
    ...(turn.alternate
      ? [button('Use This Answer', 'choose-answer', { text: 'Use This', cls: `${small} idle-only`, data })]
      : []),
    ...(turn.alternate
      ? []
      : [
          button('Regenerate', 'regenerate', { cls: `${small} idle-only last-only`, data }),
          button('Regenerate with Another Connection or Model', 'regenerate-with', {
            text: 'Regenerate with…',
            cls: `${small} idle-only last-only`,
            data,
          }),
        ]),
    button('Delete Answer', 'delete-turn', { text: 'Delete', cls: `${small} idle-only`, data }),
  );
}

/** The model's reasoning, folded; "Thinking…" while it is all there is. Plain text: it is not the answer. */
export function reasoningView(text: string, thinking: boolean): HTMLElement {
  return h(
    'details',
    { class: 'reasoning' },
    h('summary', {}, thinking ? 'Thinking…' : 'Reasoning'),
    h('div', { class: 'reasoning-text' }, text),
  );
}

/** A tool call the model made: its name, and its arguments (pretty when they are complete JSON). */
function toolCallView(call: ChatToolCallView): HTMLElement {
  let args = call.arguments;
  try {
    args = JSON.stringify(JSON.parse(call.arguments), null, 2);
  } catch {
    // Still streaming, or not JSON: shown as written.
  }
  return h(
    'details',
    { class: 'tool-call', 'data-tool': call.name },
    h('summary', {}, 'Called tool ', h('code', {}, call.name)),
    h('pre', { class: 'tool-arguments' }, args),
  );
}

function errorView(error: ChatErrorView, turnId: string): HTMLElement {
  const box = h(
    'div',
    { class: 'answer-error', role: 'alert', 'data-code': error.code },
    h('p', { class: 'error-message' }, error.message),
  );
  if (error.hint) box.append(h('p', { class: 'error-hint' }, error.hint));
  if (error.actions.length) {
    box.append(
      h(
        'div',
        { class: 'error-actions' },
        ...error.actions.map((a) =>
          button(ERROR_ACTION_LABELS[a], 'error-action', {
            cls: a === 'retry' ? undefined : 'secondary',
            data: { errorAction: a, turnId },
          }),
        ),
      ),
    );
  }
  return box;
}
