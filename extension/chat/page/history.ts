/**
 * The History list inside the page: every chat of the workspace with its title and when it last
 * changed, and Open / Rename / Delete. Renaming and deleting are the host's (it asks for the title and
 * stops an answer still streaming on a deleted chat), so the buttons only name the chat.
 */
import type { ChatSummary } from '../../../shared/webview';
import { button, h } from './dom';
import { relativeTime } from './format';

export function renderHistory(list: HTMLElement, chats: ChatSummary[], currentId: string | undefined, now: Date): void {
  if (chats.length === 0) {
    list.replaceChildren(h('li', { class: 'history-empty' }, 'No chats yet.'));
    return;
  }
  list.replaceChildren(...chats.map((c) => {
    const current = c.id === currentId;
    const title = c.title || 'Untitled chat';
    const data = { chatId: c.id };
    return h('li', { class: current ? 'history-item current' : 'history-item', 'data-chat-id': c.id, 'aria-current': current ? 'true' : undefined },
      h('div', { class: 'history-text' },
        h('span', { class: 'history-title' }, title),
        h('time', { class: 'history-date', datetime: c.updatedAt }, relativeTime(c.updatedAt, now)),
        ...(current ? [h('span', { class: 'history-current' }, ' (current)')] : [])),
      h('div', { class: 'history-actions' },
        button(`Open ${title}`, 'open-chat', { text: 'Open', cls: 'secondary', data }),
        button(`Rename ${title}`, 'rename-chat', { text: 'Rename', cls: 'secondary', data }),
        button(`Delete ${title}`, 'delete-chat', { text: 'Delete', cls: 'secondary danger', data })));
  }));
}
