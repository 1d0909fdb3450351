/**
 * The conversation itself: one element per turn in a `role="log"`, kept in sync with the chat's turns
 * and following the stream while the reader is at the bottom. A turn's element is reused while the
 * turn is unchanged (so focus and a selection inside it survive updates), and a streaming answer grows
 * through its `StreamingBody` instead of being drawn again whole.
 */
import type { ChatTurn } from '../../../shared/webview';
import { StreamingBody } from './answerBody';
import { h } from './dom';
import { renderTurn } from './turns';

// How close to the end (px) still counts as "at the bottom": keep following the stream from there.
const STICKY_PX = 40;

interface DrawnTurn {
  /** The turn as drawn (JSON): the element is reused while it is the same. */
  key: string;
  el: HTMLElement;
  stream?: StreamingBody;
}

export class Transcript {
  readonly el = h('div', { class: 'messages', role: 'log', 'aria-label': 'Chat messages', tabindex: '0' });
  private readonly drawn = new Map<string, DrawnTurn>();

  /** Forgets every drawn turn (a new `init`): the next `render` draws them all afresh. */
  clear(): void {
    this.drawn.clear();
  }

  /** Draws `turns`, reusing the element of every turn that did not change; `scroll` jumps to the end. */
  render(turns: ChatTurn[], scroll: boolean): void {
    const stick = scroll || this.atBottom();
    const els = turns.map((t) => {
      const key = JSON.stringify(t);
      const cached = this.drawn.get(t.id);
      if (cached?.key === key) return cached.el;
      const el = renderTurn(t);
      this.drawn.set(t.id, { key, el });
      return el;
    });
    const ids = new Set(turns.map((t) => t.id));
    for (const id of this.drawn.keys()) if (!ids.has(id)) this.drawn.delete(id);
    // Insert in place rather than replacing all: moving a node that holds focus would drop it.
    els.forEach((el, i) => {
      if (this.el.children[i] !== el) this.el.insertBefore(el, this.el.children[i] ?? null);
    });
    while (this.el.children.length > els.length) this.el.lastElementChild!.remove();
    if (stick) this.scrollToBottom();
  }

  /**
   * Appends streamed text (by turn id) to the answers still streaming, in `turns` (the page's state,
   * so a later snapshot compares against what is shown) and on screen.
   */
  append(turns: ChatTurn[], texts: Map<string, string>): void {
    const stick = this.atBottom();
    for (const [turnId, text] of texts) {
      const i = turns.findIndex((t) => t.id === turnId);
      const turn = turns[i];
      if (turn?.role !== 'assistant' || turn.status !== 'streaming') continue;
      const next = { ...turn, text: turn.text + text };
      turns[i] = next;
      const cached = this.drawn.get(turnId);
      if (!cached) continue;
      cached.stream ??= new StreamingBody(cached.el.querySelector<HTMLElement>('.turn-body')!);
      cached.stream.update(next.text);
      cached.key = JSON.stringify(next);
    }
    if (stick) this.scrollToBottom();
  }

  private atBottom(): boolean {
    return this.el.scrollHeight - this.el.scrollTop - this.el.clientHeight <= STICKY_PX;
  }

  private scrollToBottom(): void {
    this.el.scrollTop = this.el.scrollHeight;
  }
}
