/**
 * Turns a chat's history and a new message into the `messages` of `chat/stream`. Pure.
 *
 * - Attachments travel inside the user message, each as a fenced code block headed by its path and
 *   lines, before the text (context first, then the question).
 * - Failed answers are left out (the model never said them); an answer stopped half-way stays in,
 *   since the person saw it and may refer to it.
 * - Alternates (earlier answers kept beside a regenerated one) are left out: only the chosen answer
 *   of each message is part of the conversation.
 * - Messages of the same role in a row are merged: a question whose answer failed and the follow-up
 *   ("try again") then reach the model together, and providers that require alternating roles
 *   (Anthropic) accept the history.
 */
import type { ChatMessage, UserPart } from '../../shared/protocol';
import type { ChatAttachment, ChatTurn } from '../../shared/webview';

/** The message being sent now. */
export interface OutgoingMessage {
  text: string;
  attachments: readonly ChatAttachment[];
}

/** How images travel: as image parts (the model takes images), or as a note saying they were left out. */
export interface BuildOptions {
  images?: boolean;
}

type UserContent = string | UserPart[];

/**
 * The `messages` of a `chat/stream` request: `history` (earlier turns), then `message`. A user
 * message with images becomes parts (its text, then each image); without images it stays a string.
 */
export function buildMessages(
  history: readonly ChatTurn[],
  message: OutgoingMessage,
  opts: BuildOptions = {},
): ChatMessage[] {
  const images = opts.images ?? true;
  const out: ChatMessage[] = [];
  const push = (role: 'user' | 'assistant', content: UserContent): void => {
    if (content === '' || content.length === 0) return;
    const last = out.at(-1);
    if (last && last.role === role) last.content = merge(last.content as UserContent, content);
    else out.push(role === 'user' ? { role, content } : { role, content: content as string });
  };
  for (const turn of history) {
    if (turn.role === 'user') push('user', userMessageContent(turn.text, turn.attachments, images));
    else if (!turn.alternate && (turn.status === 'done' || turn.status === 'stopped')) push('assistant', turn.text);
    // 'error' (and a 'streaming' turn, which is never part of a new request's history) are skipped.
  }
  push('user', userMessageContent(message.text, message.attachments, images));
  return out;
}

/** A user message's content: text alone, or text and image parts. */
export function userMessageContent(text: string, attachments: readonly ChatAttachment[], images = true): UserContent {
  const body = userContent(text, attachments, images);
  const parts: UserPart[] = images
    ? attachments.flatMap((a) =>
        a.kind === 'image' && a.image
          ? [{ type: 'image' as const, data: a.image.data, mediaType: a.image.mediaType }]
          : [],
      )
    : [];
  if (parts.length === 0) return body;
  return body === '' ? parts : [{ type: 'text', text: body }, ...parts];
}

function merge(a: UserContent, b: UserContent): UserContent {
  if (typeof a === 'string' && typeof b === 'string') return `${a}\n\n${b}`;
  const asParts = (c: UserContent): UserPart[] => (typeof c === 'string' ? [{ type: 'text', text: c }] : c);
  return [...asParts(a), ...asParts(b)];
}

/**
 * A user message as the model reads it: each attachment as a fenced block, then the text. Images
 * travel as parts (userMessageContent); here an image that cannot be sent leaves a note in its place.
 */
export function userContent(text: string, attachments: readonly ChatAttachment[], images = true): string {
  const rendered = attachments.map((a) => (a.kind === 'image' ? imageNote(a, images) : renderAttachment(a)));
  return [...rendered, text.trim()].filter((part) => part !== '').join('\n\n');
}

/** What the model reads about an image it is not given. */
function imageNote(a: ChatAttachment, images: boolean): string {
  if (!a.image) return `[An image (${a.label}) was attached here; images are not kept in the chat history.]`;
  return images ? '' : `[An image (${a.label}) was attached here, but this model does not accept images.]`;
}

/** `path` (lines a-b): then the text in a fence longer than any backtick run inside it. */
export function renderAttachment(a: ChatAttachment): string {
  const end = a.endLine ?? a.startLine;
  const ranged = a.kind === 'selection' || a.kind === 'symbol';
  const where =
    !ranged || a.startLine === undefined
      ? ''
      : end === a.startLine
        ? ` (line ${a.startLine})`
        : ` (lines ${a.startLine}-${end})`;
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(a.text) + 1));
  const body = a.text.endsWith('\n') ? a.text : `${a.text}\n`;
  return `${heading(a)}${where}:\n${fence}${a.languageId ?? ''}\n${body}${fence}`;
}

function heading(a: ChatAttachment): string {
  switch (a.kind) {
    case 'file':
      return `File \`${a.path}\``;
    case 'symbol':
      return `${a.label.replace(/ \(.*\)$/, '')} in \`${a.path}\``;
    case 'problems':
      return a.path === 'workspace'
        ? 'Problems VS Code reports in the workspace'
        : `Problems VS Code reports in \`${a.path}\``;
    case 'terminal':
      return `Recent output of the terminal "${a.path}"`;
    default:
      return `From \`${a.path}\``;
  }
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
