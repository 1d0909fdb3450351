/**
 * Turns a chat's history and a new message into the `messages` of `chat/stream`. Pure.
 *
 * - Attachments travel inside the user message, each as a fenced code block headed by its path and
 *   lines, before the text (context first, then the question).
 * - Failed answers are left out (the model never said them); an answer stopped half-way stays in,
 *   since the person saw it and may refer to it.
 * - Messages of the same role in a row are merged: a question whose answer failed and the follow-up
 *   ("try again") then reach the model together, and providers that require alternating roles
 *   (Anthropic) accept the history.
 */
import type { ChatMessage } from '../../shared/protocol';
import type { ChatAttachment, ChatTurn } from '../../shared/webview';

/** The message being sent now. */
export interface OutgoingMessage {
  text: string;
  attachments: readonly ChatAttachment[];
}

/** The `messages` of a `chat/stream` request: `history` (earlier turns), then `message`. */
export function buildMessages(history: readonly ChatTurn[], message: OutgoingMessage): ChatMessage[] {
  const out: ChatMessage[] = [];
  const push = (role: 'user' | 'assistant', content: string): void => {
    if (content === '') return;
    const last = out.at(-1);
    if (last && last.role === role) last.content = `${last.content}\n\n${content}`;
    else out.push({ role, content });
  };
  for (const turn of history) {
    if (turn.role === 'user') push('user', userContent(turn.text, turn.attachments));
    else if (turn.status === 'done' || turn.status === 'stopped') push('assistant', turn.text);
    // 'error' (and a 'streaming' turn, which is never part of a new request's history) are skipped.
  }
  push('user', userContent(message.text, message.attachments));
  return out;
}

/** A user message as the model reads it: each attachment as a fenced block, then the text. */
export function userContent(text: string, attachments: readonly ChatAttachment[]): string {
  return [...attachments.map(renderAttachment), text.trim()].filter((part) => part !== '').join('\n\n');
}

/** `path` (lines a-b): then the text in a fence longer than any backtick run inside it. */
export function renderAttachment(a: ChatAttachment): string {
  const end = a.endLine ?? a.startLine;
  const where = a.kind !== 'selection' || a.startLine === undefined ? '' : end === a.startLine ? ` (line ${a.startLine})` : ` (lines ${a.startLine}-${end})`;
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(a.text) + 1));
  const body = a.text.endsWith('\n') ? a.text : `${a.text}\n`;
  return `${a.kind === 'file' ? 'File' : 'From'} \`${a.path}\`${where}:\n${fence}${a.languageId ?? ''}\n${body}${fence}`;
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** A chat's title from its first message: the first line, at most 60 characters. */
export function titleFrom(text: string, attachments: readonly ChatAttachment[]): string {
  const line = text.trim().split('\n', 1)[0]?.trim() ?? '';
  const base = line !== '' ? line : attachments[0] ? `About ${attachments[0].label}` : 'New chat';
  return base.length > 60 ? `${base.slice(0, 59).trimEnd()}…` : base;
}
