/**
 * The page's buttons, through one delegated click handler: each button names its action in
 * `data-action` (dom.ts), so buttons drawn later (code blocks, error actions, history rows) need no
 * listener of their own. Links never navigate the webview: the host opens http(s) ones.
 */
import type { ChatErrorAction, ChatPageCommand, ChatToHost } from '../../../shared/webview';
import { codeOf } from './answerBody';

/** What a button does inside the page, beyond posting to the host. */
export interface PageCommands {
  send(): void;
  closeHistory(): void;
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
    case 'pick-connection': return post({ type: 'pickConnection' });
    case 'pick-model': return post({ type: 'pickModel' });
    case 'send': return page.send();
    case 'stop': return post({ type: 'stop' });
    case 'add-selection': return post({ type: 'addSelection' });
    case 'add-file': return post({ type: 'addFile' });
    case 'attach-image': return post({ type: 'attachImage' });
    case 'run-command': return post({ type: 'runCommand', command: data.command as ChatPageCommand });
    case 'remove-attachment': return post({ type: 'removeAttachment', id: data.attachmentId! });
    case 'copy-code': case 'insert-code': {
      const code = codeOf(b);
      if (code !== undefined) post({ type: data.action === 'copy-code' ? 'copyCode' : 'insertCode', code });
      return;
    }
    case 'error-action': return post({ type: 'errorAction', action: data.errorAction as ChatErrorAction, turnId: data.turnId! });
    case 'open-chat': page.closeHistory(); return post({ type: 'openChat', chatId: data.chatId! });
    case 'rename-chat': return post({ type: 'renameChat', chatId: data.chatId! });
    case 'delete-chat': return post({ type: 'deleteChat', chatId: data.chatId! });
    default: return; // a click on a button that acts through its own listener
  }
}
