/**
 * The History list inside the page: every chat of the workspace with its title and when it last
 * changed, and Open / Rename / Delete. Renaming and deleting are the host's (it asks for the title and
 * stops an answer still streaming on a deleted chat), so the buttons only name the chat.
 */
import type { ChatSummary } from '../../../shared/webview';
import { button, h } from './dom';
import { relativeTime } from './format';

/** The History section: shown in place of the conversation, toggled by the title bar's History (`toggleHistory`). */
export class HistoryPanel {
  readonly list = h('ul', { class: 'history-list' });
  readonly el = h(
    'section',
    { class: 'history', id: 'history', 'aria-label': 'Chat history', hidden: true },
    h('h2', { class: 'history-heading' }, 'History'),
    this.list,
  );
  private shown = false;

  constructor(
    /** The conversation, hidden while the history shows. */
    private readonly conversation: HTMLElement,
    private readonly onToggle: () => void,
  ) {}

  get open(): boolean {
    return this.shown;
  }

  setOpen(open: boolean): void {
    this.shown = open;
    this.el.hidden = !open;
    this.conversation.hidden = open;
    this.onToggle();
  }

  render(chats: ChatSummary[], currentId: string | undefined, now: Date): void {
    renderHistory(this.list, chats, currentId, now);
  }
}

export function renderHistory(list: HTMLElement, chats: ChatSummary[], currentId: string | undefined, now: Date): void {
  if (chats.length === 0) {
    list.replaceChildren(h('li', { class: 'history-empty' }, 'No chats yet.'));
    return;
  }
  list.replaceChildren(
    ...chats.map((c) => {
      const current = c.id === currentId;
      const title = c.title || 'Untitled chat';
      const data = { chatId: c.id };
      return h(
        'li',
        {
          class: current ? 'history-item current' : 'history-item',
          'data-chat-id': c.id,
          'aria-current': current ? 'true' : undefined,
        },
        h(
          'div',
          { class: 'history-text' },
          h('span', { class: 'history-title' }, title),
          h('time', { class: 'history-date', datetime: c.updatedAt }, relativeTime(c.updatedAt, now)),
          ...(current ? [h('span', { class: 'history-current' }, ' (current)')] : []),
        ),
        h(
          'div',
          { class: 'history-actions' },
          button(`Open ${title}`, 'open-chat', { text: 'Open', cls: 'secondary', data }),
          button(`Rename ${title}`, 'rename-chat', { text: 'Rename', cls: 'secondary', data }),
          button(`Delete ${title}`, 'delete-chat', { text: 'Delete', cls: 'secondary danger', data }),
        ),
      );
    }),
  );
}
