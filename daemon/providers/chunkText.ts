/**
 * The text a stream chunk carries, whichever kind of chunk carries it. Every consumer of an
 * adapter's stream reads text through this one function, so a new text-carrying chunk kind (or a
 * change to an existing one) is handled here once, not missed by one consumer — as the connection
 * test once missed `texts` chunks and reported "no visible text" for every OpenAI-format answer.
 */
import type { ChatChunk } from './adapter';

const NONE: readonly string[] = Object.freeze([]);

/** The pieces of text in `chunk`, in order; empty for chunks that carry none (usage, finish…). */
export function textsOf(chunk: ChatChunk): readonly string[] {
  if (chunk.type !== 'deltas') return NONE;
  const texts: string[] = [];
  for (const d of chunk.deltas) if (d.type === 'text') texts.push(d.text);
  return texts;
}
