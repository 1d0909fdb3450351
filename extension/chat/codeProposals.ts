/**
 * "Apply to file" for a code block: VS Code's own diff editor between the file as it is and the file
 * with the block applied (a read-only virtual document), with Accept / Reject in the diff's title bar.
 * Accept applies the change through a WorkspaceEdit (so it can be undone like any edit); Reject, or
 * closing the diff, drops it.
 *
 * Model output is untrusted: a path the answer names must lie inside a workspace folder, and nothing
 * touches a file before the person accepts the diff. If the file changed after the diff opened, Accept
 * refuses rather than overwrite the newer text.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { chatPath } from './editors';

export const PROPOSAL_SCHEME = 'switchboard-proposal';
/** Proposals kept at once (open diffs); the oldest is dropped past it. */
const MAX_PROPOSALS = 20;

/** A change waiting for Accept or Reject. */
interface Proposal {
  /** The file the change is for (may not exist yet). */
  target: vscode.Uri;
  /** The diff's right side. */
  uri: vscode.Uri;
  /** The diff's left side: the file, or an empty document for a new file. */
  left: vscode.Uri;
  isNew: boolean;
  /** The file's text when the diff opened ('' for a new file). */
  original: string;
  proposed: string;
}

/** A problem the person can act on; shown as a warning. */
export class CodeActionError extends Error {}

/** Where the code goes: the editor's selection (if any), else the whole text. */
export interface ApplySource {
  text: string;
  /** Offsets of a non-empty selection. */
  selection?: { start: number; end: number };
}

/** The text after applying `code`: it replaces the selection, else the whole text (ending as the file ended). */
export function applyText(source: ApplySource, code: string): string {
  if (source.selection)
    return source.text.slice(0, source.selection.start) + code + source.text.slice(source.selection.end);
  return source.text.endsWith('\n') && !code.endsWith('\n') ? `${code}\n` : code;
}

/**
 * The workspace file a path from an answer means, or why it cannot be used. Relative paths resolve
 * against the workspace folder that holds them (or is named first in them, in a multi-root
 * workspace); absolute ones must already lie inside a folder. Nothing may escape the folders.
 */
export async function resolveAnswerPath(
  given: string,
  folders: readonly vscode.WorkspaceFolder[] = vscode.workspace.workspaceFolders ?? [],
): Promise<vscode.Uri> {
  const cleaned = given
    .trim()
    .replace(/^["'`]+|["'`]+$/g, '')
    .replace(/\\/g, '/');
  if (folders.length === 0)
    throw new CodeActionError(
      `The answer names ${cleaned}, but no folder is open. Open the project's folder, or use "New File" to open the code in a new editor.`,
    );
  const inside = (folder: vscode.WorkspaceFolder, fsPath: string): boolean => {
    const rel = path.relative(folder.uri.fsPath, fsPath);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  if (path.isAbsolute(cleaned)) {
    const folder = folders.find((f) => inside(f, cleaned));
    if (!folder)
      throw new CodeActionError(
        `${cleaned} is outside the workspace folders, so Switchboard will not write it. Copy the code instead.`,
      );
    return vscode.Uri.joinPath(folder.uri, path.relative(folder.uri.fsPath, cleaned).split(path.sep).join('/'));
  }
  const relative = cleaned.replace(/^\.\//, '');
  const [first, ...rest] = relative.split('/');
  const named = folders.length > 1 ? folders.find((f) => f.name === first && rest.length > 0) : undefined;
  const candidates = named
    ? [{ folder: named, rel: rest.join('/') }]
    : folders.map((folder) => ({ folder, rel: relative }));
  const usable = candidates.filter(({ folder, rel }) => inside(folder, path.resolve(folder.uri.fsPath, rel)));
  if (usable.length === 0)
    throw new CodeActionError(
      `${cleaned} points outside the workspace folders, so Switchboard will not write it. Copy the code instead.`,
    );
  for (const { folder, rel } of usable) {
    const uri = vscode.Uri.joinPath(folder.uri, rel);
    if (await exists(uri)) return uri;
  }
  return vscode.Uri.joinPath(usable[0]!.folder.uri, usable[0]!.rel);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The open diffs of proposed changes, and the commands that accept or reject them. */
export class CodeProposals implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly proposals = new Map<string, Proposal>();
  private readonly disposables: vscode.Disposable[];
  private next = 1;

  constructor() {
    this.disposables = [
      vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, this),
      vscode.commands.registerCommand('switchboard.acceptProposal', (uri?: unknown) =>
        this.run(() => this.accept(this.find(uri))),
      ),
      vscode.commands.registerCommand('switchboard.rejectProposal', (uri?: unknown) =>
        this.run(() => this.reject(this.find(uri))),
      ),
      // A diff closed without Accept is a Reject.
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const tab of e.closed) {
          const input = tab.input;
          if (input instanceof vscode.TabInputTextDiff && input.modified.scheme === PROPOSAL_SCHEME)
            this.proposals.delete(input.modified.toString());
        }
      }),
    ];
  }

  /** The proposals waiting (their diff's right-side URIs), for tests and the title-bar commands. */
  get pending(): string[] {
    return [...this.proposals.keys()];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.proposals.get(uri.toString())?.proposed ?? '';
  }

  /**
   * Opens the diff of `code` applied to the file `opts.path` names, else to `editor` (its selection,
   * or all of it). Returns the diff's right-side URI.
   */
  async propose(code: string, opts: { path?: string }, editor: vscode.TextEditor | undefined): Promise<vscode.Uri> {
    let target: vscode.Uri;
    let source: ApplySource;
    let isNew = false;
    if (opts.path) {
      target = await resolveAnswerPath(opts.path);
      const open = editor?.document.uri.toString() === target.toString() ? editor : undefined;
      if (open) source = editorSource(open);
      else if (await exists(target)) source = { text: (await vscode.workspace.openTextDocument(target)).getText() };
      else {
        source = { text: '' };
        isNew = true;
      }
    } else {
      if (!editor)
        throw new CodeActionError(
          'No editor is open to apply the code to. Open the file (select the lines to replace, if only some), then Apply again; or use "New File".',
        );
      target = editor.document.uri;
      source = editorSource(editor);
    }
    const id = this.next++;
    const shown = chatPath(target);
    const uri = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${shown}`, query: `proposal=${id}` });
    const left = isNew ? vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${shown}`, query: `empty=${id}` }) : target;
    const proposal: Proposal = { target, uri, left, isNew, original: source.text, proposed: applyText(source, code) };
    this.proposals.set(uri.toString(), proposal);
    while (this.proposals.size > MAX_PROPOSALS) this.proposals.delete(this.proposals.keys().next().value!);
    const title =
      `${path.posix.basename(shown)} ${isNew ? '(new file)' : ''} ↔ Proposed by Switchboard (Accept / Reject in the title bar)`.replace(
        '  ',
        ' ',
      );
    await vscode.commands.executeCommand('vscode.diff', left, uri, title, { preview: false });
    return uri;
  }

  /** Applies a proposal through a WorkspaceEdit, closes its diff and shows the file. */
  async accept(proposal: Proposal): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    if (proposal.isNew) {
      if (await exists(proposal.target)) {
        throw new CodeActionError(
          `${chatPath(proposal.target)} was created after the diff opened. Apply the code again to see the change against it.`,
        );
      }
      edit.createFile(proposal.target, { contents: new TextEncoder().encode(proposal.proposed) });
    } else {
      const doc = await vscode.workspace.openTextDocument(proposal.target);
      if (doc.getText() !== proposal.original) {
        throw new CodeActionError(
          `${chatPath(proposal.target)} changed after the diff opened. Apply the code again to see the change against the new text.`,
        );
      }
      edit.replace(
        proposal.target,
        new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)),
        proposal.proposed,
      );
    }
    if (!(await vscode.workspace.applyEdit(edit))) {
      throw new CodeActionError(
        `VS Code could not change ${chatPath(proposal.target)} (is it read-only?). Copy the code instead.`,
      );
    }
    this.proposals.delete(proposal.uri.toString());
    await this.closeDiff(proposal);
    await vscode.window.showTextDocument(proposal.target, { preview: false });
    vscode.window.setStatusBarMessage(`Switchboard: applied to ${chatPath(proposal.target)}`, 3000);
  }

  async reject(proposal: Proposal): Promise<void> {
    this.proposals.delete(proposal.uri.toString());
    await this.closeDiff(proposal);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.proposals.clear();
  }

  /** The proposal a title-bar command means: its URI argument, else the active diff's. */
  private find(arg: unknown): Proposal {
    const candidates = [arg instanceof vscode.Uri ? arg : undefined, activeDiffModified()];
    for (const uri of candidates) {
      const proposal = uri && this.proposals.get(uri.toString());
      if (proposal) return proposal;
    }
    throw new CodeActionError(
      'No proposed change is open (it was accepted, rejected or closed). Apply the code block again.',
    );
  }

  private async closeDiff(proposal: Proposal): Promise<void> {
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter(
        (t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === proposal.uri.toString(),
      );
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
  }

  private async run(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      void vscode.window.showWarningMessage(error instanceof Error ? error.message : String(error));
    }
  }
}

function activeDiffModified(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputTextDiff ? input.modified : undefined;
}

function editorSource(editor: vscode.TextEditor): ApplySource {
  const doc = editor.document;
  const sel = editor.selection;
  return {
    text: doc.getText(),
    ...(sel.isEmpty ? {} : { selection: { start: doc.offsetAt(sel.start), end: doc.offsetAt(sel.end) } }),
  };
}
