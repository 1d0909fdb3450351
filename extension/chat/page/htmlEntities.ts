/**
 * The two decoders markdown-it takes from the `entities` package, done by the page's own HTML parser.
 * `entities` carries the HTML standard's 2,000-odd named references as a 26 KiB table the browser
 * already has, so the chat page's bundle maps `entities` here (scripts/bundles.mjs). markdown-it hands
 * over one reference at a time (`&name;`, `&#…;`); that is all this decodes, anything else comes back as it
 * was. Text and attribute values differ exactly as `entities`' two modes do: in text a legacy name
 * without its `;` decodes (`&notit;` → `¬it;`, `decodeHTML`), in an attribute it does not (`decodeHTMLStrict`).
 */

/** One character reference, and nothing the parser could read as markup. */
const REFERENCE = /^&[a-z#][a-z0-9]{1,31};$/i;

function parse(reference: string): { text: string; attribute: string } {
  // A template's content is inert: nothing in it loads or runs (and REFERENCE admits no markup anyway).
  const template = document.createElement('template');
  template.innerHTML = `<i title="${reference}">${reference}</i>`;
  const element = template.content.firstElementChild;
  return { text: element?.textContent ?? reference, attribute: element?.getAttribute('title') ?? reference };
}

/** As `entities`' `decodeHTML` (legacy mode: text content) for one reference. */
export function decodeHTML(str: string): string {
  return REFERENCE.test(str) ? parse(str).text : str;
}

/** As `entities`' `decodeHTMLStrict` (every reference ends in `;`: attribute values) for one reference. */
export function decodeHTMLStrict(str: string): string {
  return REFERENCE.test(str) ? parse(str).attribute : str;
}
