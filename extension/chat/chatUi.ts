/**
 * What a chat view does in VS Code itself (`ChatUi`): read the editor for attachments, copy, insert,
 * open links, ask for a title, pick a connection, run commands, warn.
 */
import * as vscode from 'vscode';
import type { ChatAttachment } from '../../shared/webview';
import type { ConnectionStore } from '../connections/connectionStore';
import { pickModel, type ListModels } from '../connections/modelPick';
import { connectionInUse, connectionPick } from '../connections/presentation';
import type { WorkspaceChoice } from '../workspaceChoice';
import { pickAnswerTarget } from './answerTarget';
import { AttachmentError, fileAttachment, selectionAttachment } from './attachments';
import type { ChatUi } from './chatHost';
import { createContextSources } from './contextSources';
import { chatPath, snapshot, type EditorTracker } from './editors';
import type { TerminalOutputRecorder } from './terminalOutput';
import type { CodeProposals } from './codeProposals';
import { runInTerminal } from './terminalRun';

export interface ChatUiDeps {
  editors: EditorTracker;
  terminals: TerminalOutputRecorder;
  connections: ConnectionStore;
  listModels: ListModels;
  choice: WorkspaceChoice;
  openInEditor(chatId: string): void;
  retryDaemon(): void;
  /** The open "Apply to file" diffs. */
  proposals: CodeProposals;
}

export function createChatUi(deps: ChatUiDeps): ChatUi {
  const editor = (): vscode.TextEditor => {
    const e = deps.editors.editor;
    if (!e) throw new AttachmentError('No editor is open. Open a file, select the code to ask about, and try again.');
    return e;
  };
  return {
    ...createContextSources({ editors: deps.editors, terminals: deps.terminals }),
    selectionAttachment: async () => selectionAttachment(snapshot(editor())),
    fileAttachment: async () => fileAttachment(snapshot(editor())),
    copy: async (text, what) => {
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(`Switchboard: ${what} copied`, 2000);
    },
    insert: (text) => insert(deps.editors.editor, text),
    applyCode: async (code, opts) => {
      await deps.proposals.propose(code, opts, deps.editors.editor);
    },
    newFile: async (code, language) => {
      const doc = await vscode.workspace.openTextDocument({
        content: code,
        ...(language ? { language: languageId(language) } : {}),
      });
      await vscode.window.showTextDocument(doc, { preview: false });
    },
    runInTerminal: async (code) => {
      await runInTerminal(code);
    },
    pickTarget: (current) => pickAnswerTarget({ connections: deps.connections, listModels: deps.listModels }, current),
    openExternal: async (url) => {
      await vscode.env.openExternal(vscode.Uri.parse(url, true));
    },
    askTitle: async (current) =>
      vscode.window.showInputBox({
        title: 'Rename Chat',
        prompt: 'New title for the chat',
        value: current,
        validateInput: (value) => (value.trim() === '' ? 'The title cannot be empty.' : undefined),
      }),
    pickConnection: (currentId) => pickChatConnection(deps.connections, currentId),
    pickModel: async (connectionId, current, chatTitle) => {
      await deps.connections.ensureLoaded();
      const connection = deps.connections.get(connectionId);
      if (!connection) throw new AttachmentError('That connection no longer exists. Choose another one for this chat.');
      return pickModel(deps.listModels, connection, {
        current,
        title: `Model for the chat "${chatTitle}" — ${connection.name}`,
      });
    },
    offerWorkspaceDefault: (connectionId, model) => void offerWorkspaceDefault(deps, connectionId, model),
    executeCommand: async (command, ...args) => vscode.commands.executeCommand(command, ...args),
    openInEditor: (chatId) => deps.openInEditor(chatId),
    warn: (message) => void vscode.window.showWarningMessage(message),
    retryDaemon: () => deps.retryDaemon(),
  };
}

/** VS Code's language id for a fence's language tag (`ts` → typescript); unknown tags stay as they are. */
const LANGUAGE_ALIASES: Record<string, string> = {
  ts: 'typescript',
  js: 'javascript',
  py: 'python',
  sh: 'shellscript',
  bash: 'shellscript',
  shell: 'shellscript',
  zsh: 'shellscript',
  yml: 'yaml',
  md: 'markdown',
  rs: 'rust',
  rb: 'ruby',
  cs: 'csharp',
  'c++': 'cpp',
  ps1: 'powershell',
  tsx: 'typescriptreact',
  jsx: 'javascriptreact',
};
function languageId(tag: string): string {
  const lower = tag.toLowerCase();
  return LANGUAGE_ALIASES[lower] ?? lower;
}

/** Replaces the selections of the editor the person came from, or opens the code in a new untitled one. */
async function insert(editor: vscode.TextEditor | undefined, text: string): Promise<void> {
  if (!editor) {
    const doc = await vscode.workspace.openTextDocument({ content: text });
    await vscode.window.showTextDocument(doc);
    return;
  }
  const shown = await vscode.window.showTextDocument(editor.document, editor.viewColumn);
  const done = await shown.edit((edit) => {
    for (const selection of shown.selections) edit.replace(selection, text);
  });
  if (!done)
    throw new Error(
      `Could not insert into ${chatPath(editor.document.uri)}: the editor refused the edit (is the file read-only?). Use Copy and paste the code where you want it.`,
    );
}

type PickItem = vscode.QuickPickItem & { id?: string; add?: true };

/** Quick pick of connections for one chat; "Add Connection…" when there are none or the right one is missing. */
export async function pickChatConnection(
  connections: ConnectionStore,
  currentId: string | undefined,
): Promise<string | undefined> {
  await connections.ensureLoaded();
  const items: PickItem[] = connections.connections.map((c) => ({
    ...connectionPick(c, { providerName: connections.providerName, currentId }),
    id: c.id,
  }));
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: '$(add) Add Connection…', add: true });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Switchboard: Connection for this chat',
    placeHolder: connections.connections.length
      ? 'The connection this chat sends to (then its model)'
      : 'Switchboard has no connections yet',
    matchOnDescription: true,
  });
  if (picked?.add) await vscode.commands.executeCommand('switchboard.addConnection');
  return picked?.id;
}

/**
 * After a chat's connection or model was chosen: if new chats would start elsewhere, says so and offers
 * to make this choice the workspace's too (one click, never asked again for the same choice).
 */
async function offerWorkspaceDefault(deps: ChatUiDeps, connectionId: string, model: string | undefined): Promise<void> {
  const connections = deps.connections.connections;
  const workspace = connectionInUse(connections, deps.choice.connectionId);
  const chosen = connections.find((c) => c.id === connectionId);
  if (!chosen) return;
  const workspaceModel = workspace
    ? ((deps.choice.connectionId === workspace.connection.id ? deps.choice.model : undefined) ??
      workspace.connection.defaultModel)
    : undefined;
  if (workspace?.connection.id === connectionId && (model ?? chosen.defaultModel) === workspaceModel) return;
  const label = `${chosen.name}${model ? ` · ${model}` : ''}`;
  const now = workspace
    ? `New chats still start on ${workspace.connection.name}${workspaceModel ? ` · ${workspaceModel}` : ''}.`
    : 'New chats have no connection to start on.';
  const action = await vscode.window.showInformationMessage(`This chat now uses ${label}. ${now}`, ALSO_DEFAULT);
  if (action === ALSO_DEFAULT)
    await deps.choice.setModel(connectionId, model === chosen.defaultModel ? undefined : model);
}

/** The notification's button: the chat's choice becomes the workspace's. */
export const ALSO_DEFAULT = "Also Make It This Workspace's Default";
