/**
 * The editors a chat reads from: the one the person was last in (a chat tab takes
 * `activeTextEditor` away), the path a chat shows for a file, and what attachments take of an editor.
 * The chat's VS Code side (chatUi.ts, contextSources.ts, codeProposals.ts, chatCommands.ts) builds on
 * these; this file imports none of them, so the arrows point one way.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EditorSnapshot } from './attachments';

/** Schemes of editors that hold no code of the person's (the Output panel, comment inputs). */
const NOT_CODE = new Set(['output', 'comment', 'vscode-scm', 'debug']);

/**
 * The text editor the person was last in. Focusing a chat tab clears `activeTextEditor`, yet "insert
 * this code" and "add the selection" mean the editor they came from.
 */
export class EditorTracker implements vscode.Disposable {
  private last: vscode.TextEditor | undefined;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.last = usable(vscode.window.activeTextEditor);
    this.subscription = vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (usable(editor)) this.last = editor;
    });
  }

  get editor(): vscode.TextEditor | undefined {
    const active = usable(vscode.window.activeTextEditor);
    if (active) return active;
    const visible = vscode.window.visibleTextEditors.filter((e) => usable(e));
    if (this.last && visible.includes(this.last)) return this.last;
    return visible[0];
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

function usable(editor: vscode.TextEditor | undefined): vscode.TextEditor | undefined {
  return editor && !NOT_CODE.has(editor.document.uri.scheme) ? editor : undefined;
}

/** The path a chat shows and sends: workspace-relative, else the bare file name (no home directories in prompts). */
export function chatPath(uri: vscode.Uri): string {
  if (vscode.workspace.getWorkspaceFolder(uri)) return vscode.workspace.asRelativePath(uri);
  return path.posix.basename(uri.path) || uri.toString();
}

/** What attachments.ts needs of an editor. */
export function snapshot(editor: vscode.TextEditor): EditorSnapshot {
  const doc = editor.document;
  const sel = editor.selection;
  return {
    path: chatPath(doc.uri),
    languageId: doc.languageId,
    text: doc.getText(),
    ...(sel.isEmpty
      ? {}
      : {
          selection: {
            startLine: sel.start.line,
            endLine: sel.end.line,
            endCharacter: sel.end.character,
            text: doc.getText(sel),
          },
        }),
  };
}
