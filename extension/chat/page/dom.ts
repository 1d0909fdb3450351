/**
 * Tiny element builders for the chat page. Text goes in through `textContent` only: chat titles,
 * connection names, file labels and error messages come from the host and from upstream servers.
 * The one place HTML is assigned is an answer's body, from `renderMarkdown` (sanitized).
 */

type Attrs = Record<string, string | boolean | undefined>;

/** An element with attributes (`true` → present, `false`/undefined → absent) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : value);
  }
  el.append(...children);
  return el;
}

/**
 * A button whose accessible name is `label` (also its tooltip). `action` goes in `data-action`, which
 * the view's delegated click handler reads; `text` is what shows when it differs from the label.
 */
export function button(
  label: string,
  action: string,
  opts: { text?: string | undefined; cls?: string | undefined; data?: Record<string, string> | undefined } = {},
): HTMLButtonElement {
  const b = h(
    'button',
    { type: 'button', class: opts.cls, title: label, 'aria-label': label, 'data-action': action },
    opts.text ?? label,
  );
  for (const [k, v] of Object.entries(opts.data ?? {})) b.dataset[k] = v;
  return b;
}
