// @vitest-environment happy-dom
import './happyDomNodeName';
import { describe, expect, it } from 'vitest';
import { renderMarkdown, sanitizeHtml } from '../../../../extension/chat/page/markdown';

function render(text: string): HTMLElement {
  const div = document.createElement('div');
  div.innerHTML = renderMarkdown(text);
  return div;
}

describe('renderMarkdown', () => {
  it('highlights a fenced code block and names its language in the class', () => {
    const code = render('```ts\nconst x: number = 1;\n```').querySelector('pre > code')!;
    expect(code.classList.contains('hljs')).toBe(true);
    expect(code.classList.contains('language-ts')).toBe(true);
    expect(code.querySelector('.hljs-keyword')?.textContent).toBe('const');
    expect(code.textContent).toBe('const x: number = 1;\n');
  });

  it('keeps a block in an unknown language as escaped plain code', () => {
    const code = render('```nosuchlang\n<b>x</b>\n```').querySelector('pre > code')!;
    expect(code.querySelector('b')).toBeNull();
    expect(code.textContent).toBe('<b>x</b>\n');
  });

  it('shows raw HTML from the model as visible text, never as elements', () => {
    const el = render(
      'Look: <img src=x onerror=alert(1)> and <script>alert(1)</script>\n\n<div onclick="x()">hi</div>',
    );
    expect(el.querySelector('img, script, div')).toBeNull();
    expect(el.querySelector('[onerror], [onclick]')).toBeNull();
    expect(el.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(el.textContent).toContain('<script>alert(1)</script>');
    expect(el.textContent).toContain('<div onclick="x()">hi</div>');
  });

  it('does not make javascript: links clickable', () => {
    const el = render('[click](javascript:alert(1)) and <javascript:alert(2)> and [x](JaVaScRiPt:alert(3))');
    expect(el.querySelectorAll('a')).toHaveLength(0);
    expect(el.textContent).toContain('click');
  });

  it('drops links to data: and relative targets but keeps their text', () => {
    const el = render('[a](data:text/html;base64,PHNjcmlwdD4=) [b](../secret)');
    for (const a of el.querySelectorAll('a')) expect(a.hasAttribute('href')).toBe(false);
    expect(el.textContent).toContain('a');
    expect(el.textContent).toContain('b');
  });

  it('keeps http(s) links, written or bare', () => {
    const links = [...render('[docs](https://example.com/docs) and http://example.org/x').querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/docs', 'http://example.org/x']);
    expect(links[0]!.textContent).toBe('docs');
  });

  it('turns an image into a link to it instead of loading it', () => {
    const el = render('![a cat](https://example.com/cat.png)');
    expect(el.querySelector('img')).toBeNull();
    const a = el.querySelector('a')!;
    expect(a.getAttribute('href')).toBe('https://example.com/cat.png');
    expect(a.textContent).toBe('a cat');
  });

  it('escapes a hostile code-fence language name', () => {
    const el = render('```"><img src=x onerror=alert(1)>\ncode\n```');
    expect(el.querySelector('img')).toBeNull();
    expect(el.querySelector('pre code')!.textContent).toBe('code\n');
  });

  it('renders ordinary Markdown structure', () => {
    const el = render('# Title\n\n- **one**\n- `two`\n\n> quote');
    expect(el.querySelector('h1')!.textContent).toBe('Title');
    expect(el.querySelectorAll('li')).toHaveLength(2);
    expect(el.querySelector('strong')!.textContent).toBe('one');
    expect(el.querySelector('blockquote')).not.toBeNull();
  });
});

describe('sanitizeHtml', () => {
  // One hazard per case: happy-dom's NodeIterator loses its place after DOMPurify removes a node, so a
  // second hazard in the same input would be skipped here (browsers do not have that problem).
  it.each([
    ['an image with a handler', '<p>a<img src=x onerror=alert(1)></p>', 'img'],
    ['a script', '<p>a<script>alert(1)</script></p>', 'script'],
    ['a form control', '<p>a<input name="q"></p>', 'input'],
    ['an inline handler', '<p onclick="x()">a</p>', '[onclick]'],
    ['an inline style', '<p style="color:red">a</p>', '[style]'],
    ['a link target', '<p>a<a href="https://example.com" target="_blank">b</a></p>', '[target]'],
  ])('removes %s', (_what, html, selector) => {
    const div = document.createElement('div');
    div.innerHTML = sanitizeHtml(html);
    expect(div.querySelector(selector)).toBeNull();
    expect(div.querySelector('p')!.textContent).toMatch(/^a/);
  });

  it('strips script and relative hrefs but keeps http(s) and mailto', () => {
    const hrefs = (html: string) => {
      const div = document.createElement('div');
      div.innerHTML = sanitizeHtml(html);
      return [...div.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    };
    expect(hrefs('<a href="javascript:alert(1)">j</a>')).toEqual([null]);
    expect(hrefs('<a href="./x">r</a>')).toEqual([null]);
    expect(hrefs('<a href="https://example.com">ok</a>')).toEqual(['https://example.com']);
    expect(hrefs('<a href="mailto:a@example.com">m</a>')).toEqual(['mailto:a@example.com']);
  });
});
