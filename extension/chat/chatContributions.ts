/**
 * What extension.js registers for the chat before the chat itself is loaded (index.ts): the view and
 * tab types VS Code restores, and the commands (chatCommands.ts, codeProposals.ts) that load it when
 * first run. test/extension/chat/chatContributions.test.ts checks the list against the code.
 */

/** The sidebar view (package.json `contributes.views`). */
export const CHAT_VIEW_TYPE = 'switchboard.chat';

/** Chats in editor tabs (`onWebviewPanel:switchboard.chatPanel` in package.json's activationEvents). */
export const CHAT_PANEL_VIEW_TYPE = 'switchboard.chatPanel';

/** Every command the chat registers once loaded. */
export const CHAT_COMMANDS = [
  'switchboard.openChat',
  'switchboard.openChatInEditor',
  'switchboard.newChat',
  'switchboard.chatHistory',
  'switchboard.chatTab.newChat',
  'switchboard.chatTab.history',
  'switchboard.askAboutSelection',
  'switchboard.addSelectionToChat',
  'switchboard.addFileToChat',
  'switchboard.acceptProposal',
  'switchboard.rejectProposal',
] as const;
