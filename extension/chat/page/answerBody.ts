/**
 * An answer's body: its Markdown as DOM, with Copy / Insert at Cursor / Apply / New File on every code
 * block (and Run for shell blocks); the block carries the file and language the answer gave it.
 *
 * While an answer streams, re-parsing and highlighting all of it every frame grows with its length
 * (over 10 ms per frame for a 10 KB answer full of code). `StreamingBody` therefore keeps the blocks
 * that can no longer change — everything before the last blank line that starts a new top-level block
 * outside a code fence — and redraws only the tail. The finished answer is drawn whole again by
 * `renderAnswerBody`, so the final page is the exact Markdown rendering.
 */
import { codeBlockInfos, isShell, type CodeBlockInfo } from './codeBlocks';
import { button, h } from './dom';
import { renderMarkdown } from './markdown';

/** Draws `text` into `body` in one go (a finished answer, or the first frame of a streaming one). */
export function renderAnswerBody(body: HTMLElement, text: string, streaming: boolean): void {
  if (text === '') {
    body.replaceChildren(...(streaming ? [h('p', { class: 'answer-pending' }, 'Waiting for the answer…')] : []));
    return;
  }
  body.replaceChildren(...markdownNodes(text));
}

/** The raw code of the block a Copy / Insert button belongs to (highlighting spans carry no text of their own). */
export function codeOf(buttonEl: Element): string | undefined {
  const code = buttonEl.closest('.code-block')?.querySelector('pre code, pre');
  // markdown-it ends every fence with a newline the person did not write.
  return code?.textContent?.replace(/\n$/, '');
}

/** The file and language of the block a button belongs to, as the answer gave them. */
export function blockInfoOf(buttonEl: Element): CodeBlockInfo {
  const data = buttonEl.closest<HTMLElement>('.code-block')?.dataset ?? {};
  return { ...(data.path ? { path: data.path } : {}), ...(data.lang ? { language: data.lang } : {}) };
}

/** Sanitized Markdown as nodes, each `<pre>` wrapped with its buttons. */
function markdownNodes(text: string): Node[] {
  const template = document.createElement('template');
  template.innerHTML = renderMarkdown(text);
  const pres = [...template.content.querySelectorAll('pre')];
  // Parsed again only when there are blocks: the facts (file, language) are not in the sanitized HTML.
  const infos = pres.length ? codeBlockInfos(text) : [];
  pres.forEach((pre, i) => {
    const info = infos[i] ?? {};
    const lang = info.language ?? /\blanguage-(\S+)/.exec(pre.querySelector('code')?.className ?? '')?.[1];
    const block = h('div', { class: 'code-block', 'data-lang': lang, 'data-path': info.path });
    pre.replaceWith(block);
    block.append(
      h(
        'div',
        { class: 'code-actions' },
        h('span', { class: 'code-lang', title: info.path }, info.path ?? lang ?? ''),
        button('Copy', 'copy-code', { cls: 'secondary' }),
        button('Insert at Cursor', 'insert-code', { cls: 'secondary' }),
        button(info.path ? `Apply to ${info.path}` : 'Apply to the Active Editor', 'apply-code', {
          text: 'Apply…',
          cls: 'secondary',
        }),
        button('Open in a New File', 'new-file', { text: 'New File', cls: 'secondary' }),
        ...(isShell(lang) ? [button('Run in Terminal', 'run-code', { text: 'Run…', cls: 'secondary' })] : []),
      ),
      pre,
    );
  });
  return [...template.content.childNodes];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * The largest offset ≥ `from` where `text` can be cut so that Markdown before it renders the same
 * whatever follows: the start of a line in column 0 after a blank line, outside any code fence.
 * `from` must itself be such a point (or 0).
 */
export function settledEnd(text: string, from: number): number {
  let fence: string | undefined;
  let prevBlank = false;
  let end = from;
  let pos = from;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    if (nl === -1) break; // the last line is still being written
    const line = text.slice(pos, nl);
    if (fence === undefined && prevBlank && pos > from && /^\S/.test(line)) end = pos;
    const m = FENCE.exec(line);
    if (fence === undefined && m) fence = m[1];
    else if (fence !== undefined && m && m[1]![0] === fence[0] && m[1]!.length >= fence.length && m[2]!.trim() === '')
      fence = undefined;
    prevBlank = fence === undefined && line.trim() === '';
    pos = nl + 1;
  }
  return end;
}

/** Redraws a streaming answer once per frame, re-parsing only the part that may still change. */
export class StreamingBody {
  private settled = '';
  private tail: Node[] = [];

  constructor(private readonly body: HTMLElement) {
    body.replaceChildren();
  }

  update(text: string): void {
    if (!text.startsWith(this.settled)) {
      // Not an append (the host replaced the text): start over.
      this.body.replaceChildren();
      this.settled = '';
    }
    for (const n of this.tail) n.parentNode?.removeChild(n);
    const end = settledEnd(text, this.settled.length);
    if (end > this.settled.length) {
      this.body.append(...markdownNodes(text.slice(this.settled.length, end)));
      this.settled = text.slice(0, end);
    }
    this.tail = markdownNodes(text.slice(end));
    this.body.append(...this.tail);
  }
}
