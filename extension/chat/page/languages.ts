/**
 * The highlighter of answers' code blocks: highlight.js's core with the languages chats show most,
 * bundled with the page; the rest of highlight.js's common set (C, CSS, Go, HTML, Java, Rust, SQL, YAML, …) is a
 * bundle of its own (moreLanguages.ts → dist/webviews/chatLanguages.js), loaded the first time a
 * block names a language the page does not know, so the page stays small. Until it has loaded, such
 * a block shows as plain code; the blocks already on the page are highlighted once it arrives, and
 * a streaming answer picks it up on its next frame.
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import shell from 'highlight.js/lib/languages/shell';
import typescript from 'highlight.js/lib/languages/typescript';
import type { LanguageFn } from 'highlight.js';

/** What dist/webviews/chatLanguages.js hands over: language name → grammar. */
export type LanguageSet = Record<string, LanguageFn>;

/** The global the languages bundle calls; set while it loads. */
declare global {
  interface Window {
    switchboardLanguages?: (languages: LanguageSet) => void;
  }
}

const BUNDLED: LanguageSet = { bash, javascript, json, plaintext, python, shell, typescript };
for (const [name, grammar] of Object.entries(BUNDLED)) hljs.registerLanguage(name, grammar);

// Read while this script runs (currentScript is null afterwards): the languages bundle sits beside
// it, and the page's CSP admits a script only with this nonce.
const self = document.currentScript as HTMLScriptElement | null;
const moreLanguagesUrl = self?.src ? new URL('chatLanguages.js', self.src).href : undefined;
const nonce = self?.nonce;
let loading = false;

/** The highlighter, with every language loaded so far. */
export { hljs };

/**
 * Whether `lang` can be highlighted now. A language the page does not know starts loading the rest
 * of the set (once); this answer shows its block plain meanwhile.
 */
export function canHighlight(lang: string): boolean {
  if (hljs.getLanguage(lang)) return true;
  loadMoreLanguages();
  return false;
}

function loadMoreLanguages(): void {
  if (loading || !moreLanguagesUrl) return;
  loading = true;
  window.switchboardLanguages = (languages) => {
    delete window.switchboardLanguages;
    for (const [name, grammar] of Object.entries(languages))
      if (!hljs.getLanguage(name)) hljs.registerLanguage(name, grammar);
    highlightPlainBlocks();
  };
  const script = document.createElement('script');
  if (nonce) script.nonce = nonce;
  script.src = moreLanguagesUrl;
  document.body.append(script);
}

/** Highlights the code blocks rendered plain before their language arrived (markdown-it marks them `language-…`). */
function highlightPlainBlocks(): void {
  for (const code of document.querySelectorAll<HTMLElement>('pre > code[class*="language-"]:not(.hljs)')) {
    const lang = /(?:^|\s)language-(\S+)/.exec(code.className)?.[1];
    if (lang && hljs.getLanguage(lang)) hljs.highlightElement(code);
  }
}
