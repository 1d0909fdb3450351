/**
 * The page's buttons, through one delegated click handler: each button names its action in
 * `data-action` (dom.ts), so buttons drawn later (code blocks, error actions, history rows) need no
 * listener of their own. Links never navigate the webview: the host opens http(s) ones.
 */
import type { ChatErrorAction, ChatPageCommand, ChatToHost } from '../../../shared/webview';
import { blockInfoOf, codeOf } from './answerBody';
import { commandOf } from './codeBlocks';
import { cancelEdit, startEdit, submitEdit } from './editMessage';

/** What a button does inside the page, beyond posting to the host. */
export interface PageCommands {
  send(): void;
  closeHistory(): void;
  /** Shows a message's answers side by side, or one at a time. */
  toggleLayout(groupKey: string): void;
}

export function wireActions(root: HTMLElement, post: (m: ChatToHost) => void, page: PageCommands): void {
  root.addEventListener('click', (e) => {
    const target = e.target as Element;
    // Stopping the event here also keeps VS Code's own link handler (on the webview's window) from
    // opening the link a second time.
    const link = target.closest('a');
    if (link) {
      e.preventDefault();
      e.stopPropagation();
      const href = link.getAttribute('href');
      if (href) post({ type: 'openLink', href });
      return;
    }
    const b = target.closest<HTMLButtonElement>('button[data-action]');
    if (b && !b.disabled) act(b, post, page);
  });
  // A middle click would otherwise open the link in a new webview window.
  root.addEventListener('auxclick', (e) => {
    if ((e.target as Element).closest('a')) e.preventDefault();
  });
}

function act(b: HTMLButtonElement, post: (m: ChatToHost) => void, page: PageCommands): void {
  const data = b.dataset;
  switch (data.action) {
    case 'pick-connection':
      return post({ type: 'pickConnection' });
    case 'pick-model':
      return post({ type: 'pickModel' });
    case 'send':
      return page.send();
    case 'stop':
      return post({ type: 'stop' });
    case 'retry-stalled':
      return post({ type: 'retry' });
    case 'add-selection':
      return post({ type: 'addSelection' });
    case 'add-file':
      return post({ type: 'addFile' });
    case 'attach-image':
      return post({ type: 'attachImage' });
    case 'run-command':
      return post({ type: 'runCommand', command: data.command as ChatPageCommand });
    case 'remove-attachment':
      return post({ type: 'removeAttachment', id: data.attachmentId! });
    case 'copy-code':
    case 'insert-code': {
      const code = codeOf(b);
      if (code !== undefined) post({ type: data.action === 'copy-code' ? 'copyCode' : 'insertCode', code });
      return;
    }
    case 'apply-code':
    case 'new-file':
    case 'run-code': {
      const code = codeOf(b);
      if (code === undefined) return;
      const { path, language } = blockInfoOf(b);
      const lang = language ? { language } : {};
      if (data.action === 'apply-code') return post({ type: 'applyCode', code, ...(path ? { path } : {}), ...lang });
      if (data.action === 'new-file') return post({ type: 'newFile', code, ...lang });
      return post({ type: 'runInTerminal', code: commandOf(code, language) });
    }
    case 'copy-answer':
      return post({ type: 'copyAnswer', turnId: data.turnId! });
    case 'regenerate':
      return post({ type: 'regenerate', turnId: data.turnId! });
    case 'regenerate-with':
      return post({ type: 'regenerate', turnId: data.turnId!, pick: true });
    case 'choose-answer':
      return post({ type: 'chooseAnswer', turnId: data.turnId! });
    case 'delete-turn':
      return post({ type: 'deleteTurn', turnId: data.turnId! });
    case 'edit-message':
      return startEdit(b, post);
    case 'send-edit':
      return submitEdit(b, post);
    case 'cancel-edit':
      return cancelEdit(b);
    case 'toggle-layout':
      return page.toggleLayout(data.groupKey!);
    case 'error-action':
      return post({ type: 'errorAction', action: data.errorAction as ChatErrorAction, turnId: data.turnId! });
    case 'open-chat':
      page.closeHistory();
      return post({ type: 'openChat', chatId: data.chatId! });
    case 'rename-chat':
      return post({ type: 'renameChat', chatId: data.chatId! });
    case 'delete-chat':
      return post({ type: 'deleteChat', chatId: data.chatId! });
    default:
      return; // a click on a button that acts through its own listener
  }
}
