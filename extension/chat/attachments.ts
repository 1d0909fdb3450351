/**
 * Context from the editor, as chat attachments: the selection (`app.ts:12-30`) or the whole file.
 * Pure over a minimal description of the editor, so the rules (line numbers, size limit, refusals)
 * are unit-tested; chatUi.ts reads that description from VS Code.
 */
import { randomUUID } from 'node:crypto';
import type { ChatAttachment } from '../../shared/webview';

/** The most characters one attachment may have (about 50,000 tokens). */
export const MAX_ATTACHMENT_CHARS = 200_000;
/** The most attachments one message may carry. */
export const MAX_ATTACHMENTS = 20;

/** A refusal a person can act on; shown as a warning, never sent to the model. */
export class AttachmentError extends Error {
  override readonly name = 'AttachmentError';
}

/** What the attachment is made from: the document and, for a selection, its range. */
export interface EditorSnapshot {
  /** Workspace-relative path, or the file name for a file outside the workspace or untitled. */
  path: string;
  languageId: string;
  /** The document's whole text. */
  text: string;
  /** The selection, 0-based as VS Code gives it; absent or empty for "the whole file". */
  selection?: { startLine: number; endLine: number; endCharacter: number; text: string };
}

/** The selection as an attachment; refuses an empty or oversized selection. */
export function selectionAttachment(editor: EditorSnapshot): ChatAttachment {
  const sel = editor.selection;
  if (!sel || sel.text.trim() === '')
    throw new AttachmentError('Nothing is selected. Select the code to attach, or use "Add File to Chat".');
  if (sel.text.length > MAX_ATTACHMENT_CHARS)
    throw tooBig(`The selection in ${baseName(editor.path)}`, sel.text.length, 'Select a smaller part.');
  const startLine = sel.startLine + 1;
  // A selection that ends at the start of a line (whole lines selected) does not include that line.
  const endLine = sel.endCharacter === 0 && sel.endLine > sel.startLine ? sel.endLine : sel.endLine + 1;
  const lines = startLine === endLine ? `${startLine}` : `${startLine}-${endLine}`;
  return {
    id: randomUUID(),
    kind: 'selection',
    label: `${baseName(editor.path)}:${lines}`,
    path: editor.path,
    languageId: editor.languageId,
    startLine,
    endLine,
    text: sel.text,
  };
}

/** The whole document as an attachment; refuses an empty or oversized file. */
export function fileAttachment(editor: EditorSnapshot): ChatAttachment {
  if (editor.text.trim() === '')
    throw new AttachmentError(`${baseName(editor.path)} is empty: there is nothing to attach.`);
  if (editor.text.length > MAX_ATTACHMENT_CHARS)
    throw tooBig(
      baseName(editor.path),
      editor.text.length,
      'Select the part you need and use "Add Selection to Chat".',
    );
  return {
    id: randomUUID(),
    kind: 'file',
    label: baseName(editor.path),
    path: editor.path,
    languageId: editor.languageId,
    text: editor.text,
  };
}

/** Adds `next` to `pending` unless the same text from the same place is already there; enforces the count limit. */
export function addAttachment(pending: readonly ChatAttachment[], next: ChatAttachment): ChatAttachment[] {
  if (pending.some((a) => a.label === next.label && a.path === next.path && a.text === next.text)) return [...pending];
  if (pending.length >= MAX_ATTACHMENTS)
    throw new AttachmentError(`A message can carry at most ${MAX_ATTACHMENTS} attachments. Remove one first.`);
  return [...pending, next];
}

function tooBig(what: string, chars: number, fix: string): AttachmentError {
  return new AttachmentError(
    `${what} has ${chars.toLocaleString('en-US')} characters; a chat attachment may have at most ${MAX_ATTACHMENT_CHARS.toLocaleString('en-US')}. ${fix}`,
  );
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}
