/**
 * Reasoning in the Responses API's `reasoning` items ⇄ the neutral model's reasoning parts.
 *
 * A Responses client keeps reasoning across turns by sending the `reasoning` items back with their
 * `encrypted_content` (Codex asks for it with `include: ["reasoning.encrypted_content"]`). When the
 * answer came from Anthropic, that field carries the thinking block's signature (or the redacted
 * block's data) behind a prefix, so the next turn can replay the block as Anthropic requires. The
 * reasoning text is the item's summary (`summary_text`). Encrypted content of another origin (real
 * OpenAI reasoning) has no meaning elsewhere: the text is kept, unsigned (docs/translation.md).
 */
import type { AssistantPart } from '../../shared/protocol';
import { invalid, isObject } from './errors';

const SIGNATURE = 'sb-signature:';
const REDACTED = 'sb-redacted:';

/** The `encrypted_content` of a reasoning part, when it has something to replay. */
export function encryptedContentOf(part: AssistantPart): string | undefined {
  if (part.type === 'reasoning') return part.signature !== undefined ? SIGNATURE + part.signature : undefined;
  if (part.type === 'redactedReasoning') return REDACTED + part.data;
  return undefined;
}

/** The reasoning text of a part, as the item's summary. */
export function summaryOf(part: AssistantPart): string {
  return part.type === 'reasoning' ? part.text : '';
}

/** A `reasoning` input item as a neutral reasoning part; undefined when it holds nothing to send. */
export function reasoningFromItem(item: Record<string, unknown>, at: string): AssistantPart | undefined {
  const encrypted = typeof item.encrypted_content === 'string' ? item.encrypted_content : undefined;
  if (encrypted?.startsWith(REDACTED)) return { type: 'redactedReasoning', data: encrypted.slice(REDACTED.length) };
  const texts: string[] = [];
  for (const [key, kind] of [
    ['summary', 'summary_text'],
    ['content', 'reasoning_text'],
  ] as const) {
    const list = item[key];
    if (list == null) continue;
    if (!Array.isArray(list)) throw invalid(`${at}.${key}`, 'must be a list');
    list.forEach((p, j) => {
      if (!isObject(p) || p.type !== kind || typeof p.text !== 'string')
        throw invalid(`${at}.${key}[${j}]`, `must be {type: "${kind}", text}`);
      texts.push(p.text);
    });
    // The summary is what this daemon writes; a full `content` stands in only where there is no summary.
    if (texts.length > 0) break;
  }
  const signature = encrypted?.startsWith(SIGNATURE) ? encrypted.slice(SIGNATURE.length) : undefined;
  if (texts.length === 0 && signature === undefined) return undefined;
  return { type: 'reasoning', text: texts.join('\n\n'), ...(signature !== undefined && { signature }) };
}
