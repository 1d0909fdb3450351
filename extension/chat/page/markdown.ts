/**
 * Markdown → safe HTML for answers. Model output is untrusted text, so three layers stand between it
 * and the page: markdown-it with raw HTML off (tags in the reply come out as visible text), its link
 * validator (no `javascript:`/`vbscript:`/`file:`/`data:` links), and DOMPurify with an allowlist of the
 * few tags and attributes markdown-it itself emits. Images become links: a reply must not make the page
 * load anything (the CSP would block a remote image anyway, this keeps the alt text readable).
 */
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';
import { canHighlight, hljs } from './languages';

const md: MarkdownIt = new MarkdownIt({
  html: false,
  linkify: true,
  breaks: false,
  highlight(code, lang) {
    const language = lang && canHighlight(lang) ? lang : undefined;
    // Unknown or missing language (or one still loading): markdown-it escapes the code itself. No
    // auto-detection: it would run the whole grammar set on every frame of a streaming answer.
    if (!language) return '';
    const html = hljs.highlight(code, { language, ignoreIllegals: true }).value;
    return `<pre><code class="hljs language-${md.utils.escapeHtml(language)}">${html}</code></pre>`;
  },
});

md.renderer.rules.image = (tokens, idx) => {
  const token = tokens[idx]!;
  const src = token.attrGet('src') ?? '';
  const alt = token.children?.map((c) => c.content).join('') || src;
  return `<a href="${md.utils.escapeHtml(src)}">${md.utils.escapeHtml(alt)}</a>`;
};

/** Exactly what markdown-it can emit with raw HTML off (plus hljs's spans); anything else is dropped. */
const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'em',
  'strong',
  's',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'span',
];
// No `style`: the CSP has no 'unsafe-inline' for styles, and colours come from the theme.
const ALLOWED_ATTR = ['href', 'title', 'class', 'start'];
// A link the host may open; anything else keeps its text but loses its href.
const ALLOWED_URI_REGEXP = /^(?:https?|mailto):/i;

let purifier: ReturnType<typeof DOMPurify> | undefined;

/** markdown-it's tokens for `text` (the same parse `renderMarkdown` draws), for facts about its code blocks. */
export function parseMarkdown(text: string): ReturnType<MarkdownIt['parse']> {
  return md.parse(text, {});
}

/** Renders an answer's Markdown to HTML that is safe to assign to `innerHTML`. */
export function renderMarkdown(text: string): string {
  return sanitizeHtml(md.render(text));
}

/** The last layer on its own: keeps only the allowlisted tags, attributes and link schemes. */
export function sanitizeHtml(html: string): string {
  // Created on first use, bound to the page's window (DOMPurify caches DOM getters when created).
  purifier ??= DOMPurify(window);
  return purifier.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOWED_URI_REGEXP, ALLOW_DATA_ATTR: false });
}
