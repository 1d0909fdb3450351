// @vitest-environment happy-dom
/**
 * The chat page decodes markdown's character references with the browser's parser instead of the
 * `entities` tables (extension/chat/page/htmlEntities.ts, aliased for the page in scripts/bundles.mjs):
 * it must give what `entities` gives for every reference markdown-it can hand it.
 */
import { decodeHTML, decodeHTMLStrict } from 'entities';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as page from '../../../../extension/chat/page/htmlEntities';

/** Every named reference `entities` can encode to (about 1,500 of the standard's 2,231 names), read from its own map. */
function namedReferences(): string[] {
  const map = readFileSync(join(dirname(require.resolve('entities')), 'generated', 'encode-html.js'), 'utf8');
  return [...new Set(map.match(/&[A-Za-z][A-Za-z0-9]*;/g))];
}

describe('the chat page decodes character references as `entities` does', () => {
  const named = namedReferences();
  // Legacy names followed by more letters (text decodes the prefix, attributes do not), unknown and
  // wrongly cased names, numeric references valid and not. (Other names followed by letters are left
  // out: happy-dom, unlike browsers, decodes some of them, e.g. `&Yumlx;`.)
  const edges = [
    '&notit;',
    '&ampx;',
    '&copyright;',
    '&nosuch;',
    '&Amp;',
    '&AMP;',
    '&#65;',
    '&#x1F600;',
    '&#0;',
    '&#x110000;',
    '&#zz;',
    '&yumlx;',
    '&ltx;',
  ];

  it('reads the named references from the map', () => {
    expect(named.length).toBeGreaterThan(1000);
    expect(named).toEqual(expect.arrayContaining(['&amp;', '&copy;', '&nbsp;', '&hellip;']));
  });

  it('decodes every one in text (decodeHTML) and in strict mode (decodeHTMLStrict)', () => {
    const inputs = [...named, ...edges];
    const text = inputs.filter((s) => page.decodeHTML(s) !== decodeHTML(s));
    const strict = inputs.filter((s) => page.decodeHTMLStrict(s) !== decodeHTMLStrict(s));
    expect(text).toEqual([]);
    expect(strict).toEqual([]);
    expect(page.decodeHTML('&notit;')).toBe('¬it;');
    expect(page.decodeHTMLStrict('&notit;')).toBe('&notit;');
  });

  it('decodes nothing but one reference: markdown-it hands over no other text, and markup never reaches the parser', () => {
    for (const s of ['&amp', 'a &amp; b', '<b>&amp;</b>', '&"><img src=x onerror=alert(1)>;']) {
      expect(page.decodeHTML(s)).toBe(s);
      expect(page.decodeHTMLStrict(s)).toBe(s);
    }
  });
});
