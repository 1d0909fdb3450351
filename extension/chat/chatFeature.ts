/**
 * The chat's host side, built when the chat is first needed: its store and runner, the sidebar view's
 * host, the editor tabs and the commands. The entry of dist/chat.js, which index.ts (in extension.js)
 * loads on first use: a window in which no chat is opened never parses it.
 */
import * as vscode from 'vscode';
import { registerChatCommands } from './chatCommands';
import { ChatPanels } from './chatPanel';
import { ChatServices, type ChatServicesDeps } from './chatServices';
import { ChatViewProvider } from './chatViewProvider';
import type { Log } from '../log';

export interface ChatFeatureDeps extends ChatServicesDeps {
  log: Log;
}

/** The loaded chat: what index.ts hands VS Code's view and tabs to, and disposes with the window. */
export interface ChatFeature extends vscode.Disposable {
  services: ChatServices;
  view: ChatViewProvider;
  panels: ChatPanels;
}

export function createChatFeature(deps: ChatFeatureDeps): ChatFeature {
  const services = new ChatServices(deps);
  const view = new ChatViewProvider(services, deps.workspaceState);
  const panels = new ChatPanels(services, deps.workspaceState);
  services.openInEditor = (chatId) => void panels.show(chatId);
  const disposable = vscode.Disposable.from(
    registerChatCommands({ services, view, panels, log: deps.log }),
    // Views before the services: their hosts unsubscribe from the runner before it stops the streams.
    panels,
    view,
    services,
  );
  return { services, view, panels, dispose: () => disposable.dispose() };
}
