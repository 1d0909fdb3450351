/**
 * Suggestions while typing: `@` (files, symbols, the selection, problems, terminal output: the host
 * searches), `/` at the start of the message (the slash commands) and `/ask ` (the connections).
 * `triggerAt` is the pure part (what is being typed where); `SuggestBox` is the list under the
 * caret's line, driven by the keyboard (↑ ↓, Enter or Tab to pick, Escape to close) or the mouse.
 */
import { h } from './dom';

/** What the text before the caret is asking for; `start` is where the typed token begins. */
export type Trigger =
  | { kind: 'mention'; query: string; start: number }
  | { kind: 'slash'; query: string; start: number }
  | { kind: 'ask'; query: string; start: number };

export function triggerAt(text: string, caret: number): Trigger | undefined {
  const before = text.slice(0, caret);
  const ask = /^\/ask\s+(\S*)$/i.exec(before);
  if (ask) return { kind: 'ask', query: ask[1]!, start: before.length - ask[1]!.length };
  const slash = /^\/([a-zA-Z]*)$/.exec(before);
  if (slash) return { kind: 'slash', query: slash[1]!, start: 0 };
  const mention = /(?:^|\s)@([^\s@]*)$/.exec(before);
  if (mention) return { kind: 'mention', query: mention[1]!, start: before.length - mention[1]!.length - 1 };
  return undefined;
}

export interface Suggestion {
  label: string;
  detail?: string;
  /** A small tag before the label (`file`, `symbol`, …). */
  kind?: string;
  pick(): void;
}

export class SuggestBox {
  readonly el: HTMLUListElement;
  private items: Suggestion[] = [];
  private active = 0;

  constructor(label: string) {
    this.el = h('ul', { class: 'suggestions', role: 'listbox', 'aria-label': label, hidden: true });
    // mousedown, not click: the textarea must keep the focus (and its caret).
    this.el.addEventListener('mousedown', (e) => {
      const row = (e.target as Element).closest<HTMLElement>('li[data-index]');
      if (!row) return;
      e.preventDefault();
      this.items[Number(row.dataset.index)]?.pick();
    });
  }

  get open(): boolean {
    return !this.el.hidden;
  }

  show(items: Suggestion[], empty?: string): void {
    this.items = items;
    this.active = 0;
    if (items.length === 0 && !empty) return this.hide();
    this.el.replaceChildren(
      ...(items.length === 0
        ? [h('li', { class: 'suggestion-empty' }, empty!)]
        : items.map((s, i) =>
            h(
              'li',
              {
                role: 'option',
                'data-index': String(i),
                class: 'suggestion',
                'aria-selected': i === 0 ? 'true' : 'false',
              },
              ...(s.kind ? [h('span', { class: 'suggestion-kind' }, s.kind)] : []),
              h('span', { class: 'suggestion-label' }, s.label),
              ...(s.detail ? [h('span', { class: 'suggestion-detail' }, s.detail)] : []),
            ),
          )),
    );
    this.el.hidden = false;
  }

  hide(): void {
    this.items = [];
    this.el.hidden = true;
    this.el.replaceChildren();
  }

  /** Handles a key while open; true when the box used it (the caller then stops it). */
  key(e: KeyboardEvent): boolean {
    if (!this.open) return false;
    if (e.key === 'Escape') {
      this.hide();
      return true;
    }
    if (this.items.length === 0) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : this.items.length - 1)) % this.items.length;
      this.el
        .querySelectorAll('li[data-index]')
        .forEach((li, i) => li.setAttribute('aria-selected', i === this.active ? 'true' : 'false'));
      this.el.querySelector('[aria-selected="true"]')?.scrollIntoView?.({ block: 'nearest' });
      return true;
    }
    if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
      this.items[this.active]?.pick();
      return true;
    }
    return false;
  }
}
