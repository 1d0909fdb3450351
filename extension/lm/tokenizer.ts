/**
 * OpenAI's tokenizers, as a bundle of its own (dist/tokenizer.js): their vocabularies are megabytes,
 * so the extension loads this file the first time VS Code asks for a count of an OpenAI model's
 * tokens (see tokenCounter.ts), and never for other models. Entry point of that bundle; nothing in
 * the extension imports it statically.
 */
import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import o200k from 'js-tiktoken/ranks/o200k_base';

/** The vocabularies this bundle holds: o200k_base (GPT-4o and later, the o-series), cl100k_base (GPT-4, GPT-3.5). */
export type Encoding = 'o200k_base' | 'cl100k_base';

const RANKS = { o200k_base: o200k, cl100k_base: cl100k } as const;
const built = new Map<Encoding, Tiktoken>();

/** Counts the tokens of a text in `encoding`. Special-token markers in the text count as plain text, as the API does. */
export function countTokens(encoding: Encoding, text: string): number {
  let tokenizer = built.get(encoding);
  if (!tokenizer) {
    tokenizer = new Tiktoken(RANKS[encoding]);
    built.set(encoding, tokenizer);
  }
  return tokenizer.encode(text, [], []).length;
}
