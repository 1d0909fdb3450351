/**
 * The chat's commands: Open Chat, Open Chat in Editor, New Chat, Chat History, Ask About Selection
 * (ctrl+alt+l), Add Selection to Chat, Add File to Chat.
 *
 * Context (selection, file) goes to the chat the person used last: an editor tab if they last used
 * one and it is still visible, else the sidebar view (opened if needed). New Chat and Chat History
 * are the sidebar's (its title bar carries them); a chat tab's title bar has its own (chatTab.*), which act
 * on that tab. The pages have no buttons repeating them. History shows the page's own History list.
 */
import * as vscode from 'vscode';
import type { ChatAttachment } from '../../shared/webview';
import type { Log } from '../log';
import { AttachmentError, fileAttachment, selectionAttachment } from './attachments';
import type { ChatHost } from './chatHost';
import type { ChatPanel, ChatPanels } from './chatPanel';
import type { ChatServices } from './chatServices';
import { chatPath, snapshot } from './editors';
import type { ChatViewProvider } from './chatViewProvider';

export interface ChatCommandDeps {
  services: ChatServices;
  view: ChatViewProvider;
  panels: ChatPanels;
  log: Log;
}

/** A chat that context can be added to, and how to bring it forward. */
interface Target {
  host: ChatHost;
  reveal(focus: boolean): Promise<void>;
}

export function registerChatCommands(deps: ChatCommandDeps): vscode.Disposable {
  const { view, panels, services } = deps;
  // The sidebar counts as used last when its page posted something after the last tab was used.
  let viewUsedLast = true;
  const sidebar: Target = { host: view.host, reveal: (focus) => view.reveal(focus) };
  const target = (): Target => {
    const tab = viewUsedLast ? undefined : panels.lastVisible;
    return tab ? { host: tab.host, reveal: async (focus) => tab.panel.reveal(undefined, !focus) } : sidebar;
  };
  const run =
    <A extends unknown[]>(what: string, body: (...args: A) => Promise<unknown>) =>
    async (...args: A) => {
      try {
        return await body(...args);
      } catch (error) {
        if (error instanceof AttachmentError) return void vscode.window.showWarningMessage(error.message);
        deps.log.error(what, error);
        void vscode.window.showErrorMessage(`${what}: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    };
  const attach = async (attachment: ChatAttachment, focus: boolean): Promise<ChatAttachment> => {
    const t = target();
    t.host.addAttachment(attachment);
    await t.reveal(focus);
    if (focus) t.host.focusInput();
    return attachment;
  };
  const editor = (): vscode.TextEditor => {
    const e = services.editors.editor;
    if (!e) throw new AttachmentError('No editor is open. Open a file and select the code first.');
    return e;
  };
  const register = vscode.commands.registerCommand;
  return vscode.Disposable.from(
    view.onDidBecomeActive(() => (viewUsedLast = true)),
    panels.onDidUse(() => (viewUsedLast = false)),
    register(
      'switchboard.openChat',
      run('Could not open the chat', () => view.reveal(true)),
    ),
    register(
      'switchboard.openChatInEditor',
      run('Could not open the chat in an editor', async (chatId?: unknown) => {
        const id = typeof chatId === 'string' ? chatId : view.host.current.id;
        return panels.show(id).host.current.id;
      }),
    ),
    register(
      'switchboard.newChat',
      run('Could not start a new chat', async () => {
        view.host.newChat();
        await view.reveal(true);
        view.host.focusInput();
        return view.host.current.id;
      }),
    ),
    register(
      'switchboard.chatHistory',
      run('Could not show the chat history', async () => {
        await view.reveal(true);
        view.host.toggleHistory();
      }),
    ),
    // A tab's title bar: its own New Chat and History (the page has no buttons repeating them).
    register(
      'switchboard.chatTab.newChat',
      run('Could not start a new chat', async () => {
        const tab = activeTab(panels);
        if (!tab) return view.host.newChat();
        tab.host.newChat();
        tab.host.focusInput();
      }),
    ),
    register(
      'switchboard.chatTab.history',
      run('Could not show the chat history', async () => (activeTab(panels)?.host ?? view.host).toggleHistory()),
    ),
    register(
      'switchboard.askAboutSelection',
      run('Could not attach the selection', async () => {
        // No selection: the question is about the file.
        const e = editor();
        return attach(e.selection.isEmpty ? fileAttachment(snapshot(e)) : selectionAttachment(snapshot(e)), true);
      }),
    ),
    register(
      'switchboard.addSelectionToChat',
      run('Could not attach the selection', async () => attach(selectionAttachment(snapshot(editor())), false)),
    ),
    register(
      'switchboard.addFileToChat',
      run('Could not attach the file', async (uri?: unknown) => {
        // From the explorer or an editor title a Uri comes along; from the palette, the active editor.
        if (uri instanceof vscode.Uri) {
          const doc = await vscode.workspace.openTextDocument(uri);
          return attach(
            fileAttachment({ path: chatPath(doc.uri), languageId: doc.languageId, text: doc.getText() }),
            false,
          );
        }
        return attach(fileAttachment(snapshot(editor())), false);
      }),
    ),
  );
}

/** The chat tab in front: the one whose title bar was clicked. */
function activeTab(panels: ChatPanels): ChatPanel | undefined {
  return panels.panels.find((p) => p.panel.active) ?? panels.lastVisible;
}
