/**
 * Text from the daemon as the manager page shows it: a message and its hint without saying the same
 * thing twice, and web addresses in it as links a person can click (VS Code opens http(s) links of a
 * webview in the browser). Only text nodes and `<a>` elements are made: nothing is parsed as HTML.
 */

/** An http(s) address up to whitespace or a closing quote or bracket. */
const URL_PATTERN = /https?:\/\/[^\s"'<>()[\]{}]+/g;
/** Sentence punctuation that ends a sentence, not the address it follows. */
const TRAILING = /[.,;:!?]+$/;

/** The text as nodes: plain text, and each http(s) address as an `<a>` opening it. */
export function linkified(text: string): Node[] {
  const nodes: Node[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING, '');
    const start = match.index;
    if (start > last) nodes.push(document.createTextNode(text.slice(last, start)));
    const a = document.createElement('a');
    a.href = url;
    a.textContent = url;
    nodes.push(a);
    last = start + url.length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

/** Puts `text` into `target`, addresses as links. */
export function setLinkedText(target: HTMLElement, text: string): void {
  target.replaceChildren(...linkified(text));
}

/** The sentences of a text, for comparing: trimmed, without their final stop. */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((s) =>
      s
        .trim()
        .replace(/[.!?]+$/, '')
        .toLowerCase(),
    )
    .filter((s) => s !== '');
}

/**
 * A message and its hint as one text, leaving out every sentence of the hint that the message
 * already says (a daemon hint sometimes restates the message, and a banner then read twice).
 */
export function messageWithHint(message: string, hint: string | undefined): string {
  if (!hint) return message;
  const said = new Set(sentences(message));
  const fresh = hint.split(/(?<=[.!?])\s+/).filter((s) => {
    const key = s
      .trim()
      .replace(/[.!?]+$/, '')
      .toLowerCase();
    return key !== '' && !said.has(key) && !message.toLowerCase().includes(key);
  });
  return fresh.length ? `${message} ${fresh.join(' ')}` : message;
}
