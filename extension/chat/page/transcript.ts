/**
 * The conversation itself: one element per turn in a `role="log"`, kept in sync with the chat's turns
 * and following the stream while the reader is at the bottom. A turn's element is reused while the
 * turn is unchanged (so focus and a selection inside it survive updates), and a streaming answer grows
 * through its `StreamingBody` instead of being drawn again whole.
 *
 * A message with several answers (after Regenerate) shows them as a group: one at a time with
 * ‹ Answer 2 of 3 ›, or side by side to compare (the default when they come from different
 * connections or models, streaming ones included). Which layout a group has is the page's own state,
 * kept per message.
 *
 * A streaming answer that has received nothing for a while shows "No data for N s" with Stop and
 * Retry (the host reports the silence every second); the notice goes as soon as text arrives.
 */
import type { ChatTurn } from '../../../shared/webview';
import { StreamingBody } from './answerBody';
import { button, h } from './dom';
import type { PendingText } from './frames';
import { reasoningView, renderTurn, setLastAnswer, stallNotice } from './turns';

// How close to the end (px) still counts as "at the bottom": keep following the stream from there.
const STICKY_PX = 40;

type AssistantTurn = Extract<ChatTurn, { role: 'assistant' }>;
export type GroupLayout = 'pages' | 'side-by-side';

interface DrawnTurn {
  /** The turn as drawn (JSON): the element is reused while it is the same. */
  key: string;
  el: HTMLElement;
  stream?: StreamingBody;
}

export class Transcript {
  readonly el = h('div', { class: 'messages', role: 'log', 'aria-label': 'Chat messages', tabindex: '0' });
  private readonly drawn = new Map<string, DrawnTurn>();
  private readonly groups = new Map<string, HTMLElement>();
  /** Layouts the reader chose, by group key (the id of the message answered). */
  private readonly layouts = new Map<string, GroupLayout>();
  /** Seconds of silence of the streaming answers that stalled, by turn id. */
  private readonly stalls = new Map<string, number>();
  /** Turns whose element shows a stall notice. */
  private readonly noticed = new Set<string>();
  private turns: ChatTurn[] = [];

  /** Forgets every drawn turn (a new `init`): the next `render` draws them all afresh. */
  clear(): void {
    this.drawn.clear();
    this.groups.clear();
    this.stalls.clear();
    this.noticed.clear();
  }

  /** Shows (or, with `null`, removes) the "No data for N s" notice of a streaming answer. */
  stall(turnId: string, seconds: number | null): void {
    const turn = this.turns.find((t) => t.id === turnId);
    if (seconds === null || turn?.role !== 'assistant' || turn.status !== 'streaming') this.stalls.delete(turnId);
    else this.stalls.set(turnId, seconds);
    const el = this.drawn.get(turnId)?.el;
    if (el) this.showStall(el, turnId);
  }

  /** Draws `turns`, reusing the element of every turn that did not change; `scroll` jumps to the end. */
  render(turns: ChatTurn[], scroll: boolean): void {
    this.turns = turns;
    const stick = scroll || this.atBottom();
    const rows: HTMLElement[] = [];
    const groupKeys = new Set<string>();
    for (let i = 0; i < turns.length;) {
      const turn = turns[i]!;
      if (turn.role === 'user') {
        rows.push(this.turnEl(turn));
        i++;
        continue;
      }
      let end = i;
      while (end < turns.length && turns[end]!.role === 'assistant') end++;
      const answers = turns.slice(i, end) as AssistantTurn[];
      const last = end === turns.length;
      const els = answers.map((a) => this.turnEl(a));
      for (const el of els) setLastAnswer(el, last);
      if (answers.length === 1) {
        els[0]!.hidden = false;
        rows.push(els[0]!);
      } else {
        const key = turns[i - 1]?.id ?? 'start';
        groupKeys.add(key);
        rows.push(this.groupEl(key, answers, els));
      }
      i = end;
    }
    const ids = new Set(turns.map((t) => t.id));
    for (const id of this.drawn.keys()) if (!ids.has(id)) this.drawn.delete(id);
    for (const turn of turns) if (turn.role === 'assistant' && turn.status !== 'streaming') this.stalls.delete(turn.id);
    for (const id of this.stalls.keys()) if (!ids.has(id)) this.stalls.delete(id);
    for (const id of new Set([...this.stalls.keys(), ...this.noticed])) {
      const el = this.drawn.get(id)?.el;
      if (el) this.showStall(el, id);
      else this.noticed.delete(id);
    }
    for (const key of this.groups.keys()) if (!groupKeys.has(key)) this.groups.delete(key);
    place(this.el, rows);
    if (stick) this.scrollToBottom();
  }

  /** Switches a group between one answer at a time and side by side. */
  toggleLayout(key: string): void {
    const group = this.groups.get(key);
    if (!group) return;
    this.layouts.set(key, group.dataset.layout === 'side-by-side' ? 'pages' : 'side-by-side');
    this.render(this.turns, false);
  }

  /**
   * Appends streamed text (by turn id) to the answers still streaming, in `turns` (the page's state,
   * so a later snapshot compares against what is shown) and on screen.
   */
  append(turns: ChatTurn[], texts: Map<string, PendingText>): void {
    const stick = this.atBottom();
    for (const [turnId, { text, reasoning }] of texts) {
      const i = turns.findIndex((t) => t.id === turnId);
      const turn = turns[i];
      if (turn?.role !== 'assistant' || turn.status !== 'streaming') continue;
      const next = {
        ...turn,
        text: turn.text + text,
        ...(reasoning || turn.reasoning ? { reasoning: (turn.reasoning ?? '') + reasoning } : {}),
      };
      turns[i] = next;
      const cached = this.drawn.get(turnId);
      if (!cached) continue;
      if (reasoning) updateReasoning(cached.el, next.reasoning!, next.text === '');
      else if (text && next.reasoning) updateReasoning(cached.el, next.reasoning, false);
      if (text) {
        cached.stream ??= new StreamingBody(cached.el.querySelector<HTMLElement>('.turn-body')!);
        cached.stream.update(next.text);
      }
      // Data again: the stall is over (the host says so too, a little later).
      if ((text || reasoning) && this.stalls.delete(turnId)) this.showStall(cached.el, turnId);
      cached.key = JSON.stringify(next);
    }
    if (stick) this.scrollToBottom();
  }

  /** Puts the turn's stall notice in line with `stalls`: added, updated or removed. */
  private showStall(turnEl: HTMLElement, turnId: string): void {
    const seconds = this.stalls.get(turnId);
    const shown = turnEl.querySelector<HTMLElement>(':scope > .answer-stalled');
    if (seconds === undefined) {
      this.noticed.delete(turnId);
      return shown?.remove();
    }
    this.noticed.add(turnId);
    if (shown) {
      shown.querySelector('.stall-text')!.textContent = `No data for ${seconds} s`;
      return;
    }
    const notice = stallNotice(seconds);
    const body = turnEl.querySelector(':scope > .turn-body');
    if (body) body.after(notice);
    else turnEl.append(notice);
  }

  private turnEl(turn: ChatTurn): HTMLElement {
    const key = JSON.stringify(turn);
    const cached = this.drawn.get(turn.id);
    if (cached?.key === key) return cached.el;
    const el = renderTurn(turn);
    this.drawn.set(turn.id, { key, el });
    return el;
  }

  /** A message's answers: a bar to page through them or compare them, then the answers. */
  private groupEl(key: string, answers: AssistantTurn[], els: HTMLElement[]): HTMLElement {
    let group = this.groups.get(key);
    if (!group) {
      group = h('section', { class: 'answer-group', 'aria-label': 'Answers to this message' });
      this.groups.set(key, group);
    }
    const layout = this.layouts.get(key) ?? (distinctSources(answers) > 1 ? 'side-by-side' : 'pages');
    group.dataset.layout = layout;
    let chosen = answers.findIndex((a) => !a.alternate);
    if (chosen < 0) chosen = answers.length - 1;
    const data = (i: number): Record<string, string> => ({ turnId: answers[i]!.id });
    const bar = h('div', { class: 'group-bar' });
    if (layout === 'pages') {
      const prev = button('Previous Answer', 'choose-answer', {
        text: '‹',
        cls: 'secondary small idle-only',
        data: data(Math.max(0, chosen - 1)),
      });
      const next = button('Next Answer', 'choose-answer', {
        text: '›',
        cls: 'secondary small idle-only',
        data: data(Math.min(answers.length - 1, chosen + 1)),
      });
      prev.disabled = chosen === 0;
      next.disabled = chosen === answers.length - 1;
      bar.append(prev, h('span', { class: 'group-position' }, `Answer ${chosen + 1} of ${answers.length}`), next);
    } else {
      bar.append(h('span', { class: 'group-position' }, `${answers.length} answers side by side`));
    }
    const toggle = button('Side by Side', 'toggle-layout', { cls: 'secondary small', data: { groupKey: key } });
    toggle.setAttribute('aria-pressed', String(layout === 'side-by-side'));
    bar.append(toggle);
    els.forEach((el, i) => {
      el.hidden = layout === 'pages' && i !== chosen;
      el.classList.toggle('chosen', i === chosen);
    });
    const box = group.querySelector<HTMLElement>(':scope > .group-answers') ?? h('div', { class: 'group-answers' });
    place(box, els);
    place(group, [bar, box]);
    return group;
  }

  private atBottom(): boolean {
    return this.el.scrollHeight - this.el.scrollTop - this.el.clientHeight <= STICKY_PX;
  }

  private scrollToBottom(): void {
    this.el.scrollTop = this.el.scrollHeight;
  }
}

/**
 * How many connection/model pairs the answers come from: the one that answered (`meta`), else, while
 * an answer streams, the one it was asked of (`source`); an answer with neither is not counted.
 */
function distinctSources(answers: AssistantTurn[]): number {
  return new Set(
    answers.flatMap((a) => {
      const from = a.meta ?? a.source;
      return from ? [`${from.connectionId}\u0000${from.model ?? ''}`] : [];
    }),
  ).size;
}

/** Puts `children` into `parent` in order, moving only what is out of place (moving a focused node drops focus). */
function place(parent: HTMLElement, children: HTMLElement[]): void {
  children.forEach((el, i) => {
    if (parent.children[i] !== el) parent.insertBefore(el, parent.children[i] ?? null);
  });
  while (parent.children.length > children.length) parent.lastElementChild!.remove();
}

function updateReasoning(turnEl: HTMLElement, text: string, thinking: boolean): void {
  const existing = turnEl.querySelector<HTMLDetailsElement>(':scope > .reasoning');
  if (!existing) {
    turnEl.prepend(reasoningView(text, thinking));
    return;
  }
  existing.querySelector('.reasoning-text')!.textContent = text;
  existing.querySelector('summary')!.textContent = thinking ? 'Thinking…' : 'Reasoning';
}
