/**
 * How readable text is in a webview: the WCAG contrast ratio of each piece of text against the
 * background it is drawn on (translucent backgrounds composited over their ancestors'), measured in
 * the page with the colours the theme really produced.
 */
import type { Locator } from 'playwright-core';

/** One piece of text and its contrast ratio against what is behind it. */
export interface ContrastSample {
  text: string;
  color: string;
  background: string;
  ratio: number;
}

/** WCAG AA for normal text. */
export const MIN_CONTRAST = 4.5;

/**
 * The contrast of every element under `root` matching `selector` (and its descendants) that holds
 * text of its own. Runs in the page: only what Chromium computed counts.
 */
export function measureContrast(root: Locator, selector: string): Promise<ContrastSample[]> {
  return root.evaluate(IN_PAGE as (el: Element, sel: string) => ContrastSample[], selector);
}

/**
 * The measurement, as the page runs it. Plain JavaScript in a string: tsx would wrap named functions
 * written here in its `__name` helper, which the page does not have.
 */
const IN_PAGE = new Function(
  'rootEl',
  'sel',
  `
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c);
    if (!m) return undefined;
    const p = m[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  // A colour with alpha drawn over an opaque one.
  const over = (top, below) => [0, 1, 2].map((i) => top[i] * top[3] + below[i] * (1 - top[3]));
  // What is behind an element: its background and its ancestors', composited; white if none is opaque.
  const backgroundOf = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (!c || c[3] === 0) continue;
      layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((below, top) => over(top, below), [255, 255, 255]);
  };
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const hex = (rgb) => '#' + rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  const out = [];
  const els = new Set([...rootEl.querySelectorAll(sel)].flatMap((e) => [e, ...e.querySelectorAll('*')]));
  for (const el of els) {
    const own = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent || '').join('').trim();
    if (own === '') continue;
    const bg = backgroundOf(el);
    const fg = over(parse(getComputedStyle(el).color) || [0, 0, 0, 1], bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    out.push({ text: own.slice(0, 40), color: hex(fg), background: hex(bg), ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100 });
  }
  return out;
`,
);
