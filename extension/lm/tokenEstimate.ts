/**
 * Token estimates for VS Code's `provideTokenCount`, for models whose tokenizer does not run here
 * (see tokenCounter.ts), and the per-message framing every count adds.
 * VS Code uses the count to fit a prompt into `maxInputTokens`, so the estimate leans high:
 * BPE tokenizers give English words about one token per 4 characters, every punctuation mark its own
 * token, and CJK text about one token per character.
 */
import { Role, type LmMessage } from './requestMapping';

/** What an image costs on the usual vision models' low end (OpenAI: 85 base tokens per image). */
const IMAGE_TOKENS = 85;
/** The per-message framing (role markers) chat formats add. */
const MESSAGE_OVERHEAD = 4;

const PIECES =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]|[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

/** Tokens of a piece of text: a real tokenizer's count, or {@link estimateTextTokens}. */
export type TextCounter = (text: string) => number;

export function estimateTextTokens(text: string): number {
  let tokens = 0;
  for (const [piece] of text.matchAll(PIECES)) tokens += piece.length <= 4 ? 1 : Math.ceil(piece.length / 4);
  return tokens;
}

/** A message's tokens: its text counted by `text`, plus framing, tool calls and images. */
export function estimateMessageTokens(m: LmMessage, text: TextCounter = estimateTextTokens): number {
  let tokens = MESSAGE_OVERHEAD + (m.role === Role.System ? 1 : 0);
  for (const part of m.content) tokens += partTokens(part, text);
  return tokens;
}

function partTokens(p: unknown, text: TextCounter): number {
  if (typeof p !== 'object' || p === null) return 0;
  const o = p as Record<string, unknown>;
  if (typeof o.value === 'string') return text(o.value);
  if (typeof o.mimeType === 'string')
    return o.mimeType.startsWith('image/')
      ? IMAGE_TOKENS
      : o.data instanceof Uint8Array
        ? Math.ceil(o.data.length / 4)
        : 0;
  if (typeof o.callId === 'string' && Array.isArray(o.content))
    return 4 + o.content.reduce<number>((n, c) => n + partTokens(c, text), 0);
  if (typeof o.callId === 'string' && typeof o.name === 'string')
    return 4 + text(o.name) + text(JSON.stringify(o.input ?? {}));
  if ('value' in o) return text(JSON.stringify(o.value));
  return 0;
}
