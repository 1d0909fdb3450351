// @vitest-environment happy-dom
import './happyDomNodeName';
import { describe, expect, it } from 'vitest';
import { createChatView } from '../../../../extension/chat/page/view';
import { answer, chat, setup, userTurn, viewState } from './fixtures';

describe('chat view: header, turns and history', () => {
  it('renders the header in one row (the connection and model buttons only), the turns and the history from init', () => {
    const t = setup({
      state: viewState({
        chat: chat([userTurn('u1', 'hello <b>there</b>'), answer('a1', { text: 'Hi **you**', status: 'done' })]),
      }),
    });
    const connection = t.button('Connection: Work')!;
    expect(connection.textContent).toBe('Work');
    expect(connection.title).toBe("Work — ok, default. Change this chat's connection, then its model.");
    expect(connection.querySelector('.status-dot')!.getAttribute('data-status')).toBe('ok');
    expect(t.button('Model: gpt-4o')!.textContent).toBe('gpt-4o');
    // New Chat, History and Open in Editor are the title bar's: the page does not repeat them.
    expect(t.$$('.chat-header button').map((b) => b.getAttribute('aria-label'))).toEqual([
      'Connection: Work',
      'Model: gpt-4o',
    ]);
    for (const label of ['New Chat', 'History', 'Open Chat in Editor']) expect(t.button(label)).toBeNull();
    expect(t.$$('.chat-header select')).toHaveLength(0);
    const log = t.$('[role="log"][aria-label="Chat messages"]')!;
    const turns = [...log.querySelectorAll<HTMLElement>('.turn')];
    expect(turns.map((e) => [e.className, e.dataset.turnId, e.dataset.status])).toEqual([
      ['turn user', 'u1', undefined],
      ['turn assistant', 'a1', 'done'],
    ]);
    // What the person typed shows as typed; the answer is Markdown.
    expect(turns[0]!.querySelector('b')).toBeNull();
    expect(turns[0]!.textContent).toContain('hello <b>there</b>');
    expect(turns[1]!.querySelector('strong')!.textContent).toBe('you');
    expect(t.$$('.history-item').map((e) => e.querySelector('.history-title')!.textContent)).toEqual([
      'First chat',
      'Older chat',
    ]);
  });

  it("the pickers open VS Code's searchable quick picks through the host (no model list in the page)", () => {
    const t = setup();
    expect(t.posted.filter((m) => m.type === 'loadModels')).toEqual([]);
    t.posted.length = 0;
    t.button('Connection: Work')!.click();
    t.button('Model: gpt-4o')!.click();
    expect(t.posted).toEqual([{ type: 'pickConnection' }, { type: 'pickModel' }]);
  });

  it("follows the chat's connection and model as the host changes them", () => {
    const t = setup();
    t.receive({ type: 'chat', chat: chat([], { connectionId: 'c2', model: 'claude-haiku-4-5' }), busy: false });
    expect(t.button('Connection: Backup')!.dataset.status).toBe('error');
    expect(t.button('Model: claude-haiku-4-5')).not.toBeNull();
    // No model of its own: the connection's default.
    t.receive({ type: 'chat', chat: chat([], { connectionId: 'c1', model: undefined }), busy: false });
    expect(t.button('Model: gpt-4o')).not.toBeNull();
  });

  it('toggles the history list, marks the current chat and posts open, rename and delete', () => {
    const t = setup();
    const history = t.$('.history')!;
    expect(history.hidden).toBe(true);
    // The title bar's History (the page has no button of its own).
    t.receive({ type: 'toggleHistory' });
    expect(history.hidden).toBe(false);
    expect(t.$('[role="log"]')!.hidden).toBe(true);
    const current = t.$$('.history-item[aria-current="true"]');
    expect(current.map((e) => e.dataset.chatId)).toEqual(['chat1']);
    expect(t.$$('.history-date').map((e) => e.textContent)).toEqual(['5 min ago', '2 days ago']);
    t.posted.length = 0;
    t.button('Rename Older chat')!.click();
    t.button('Delete Older chat')!.click();
    t.button('Open Older chat')!.click();
    expect(t.posted).toEqual([
      { type: 'renameChat', chatId: 'chat0' },
      { type: 'deleteChat', chatId: 'chat0' },
      { type: 'openChat', chatId: 'chat0' },
    ]);
    expect(history.hidden).toBe(true);
  });

  it('updates the history list from a history message', () => {
    const t = setup();
    t.receive({
      type: 'history',
      chats: [{ id: 'chat9', title: 'Renamed', updatedAt: '2025-06-01T11:59:50Z', turnCount: 2 }],
    });
    expect(t.$$('.history-title').map((e) => e.textContent)).toEqual(['Renamed']);
    expect(t.$('.history-date')!.textContent).toBe('just now');
  });

  it('shows a banner while the daemon is starting or down and disables Send', () => {
    const t = setup({ state: viewState({ daemon: 'starting' }) });
    t.type('hi');
    expect(t.$('.daemon-banner')!.textContent).toBe('Connecting to the Switchboard daemon…');
    expect(t.button('Send')!.disabled).toBe(true);
    t.receive({ type: 'daemon', state: 'down' });
    expect(t.$('.daemon-banner')!.textContent).toMatch(/^The Switchboard daemon is not reachable\./);
    expect(t.button('Send')!.disabled).toBe(true);
    t.receive({ type: 'daemon', state: 'connected' });
    expect(t.$('.daemon-banner')!.hidden).toBe(true);
    expect(t.button('Send')!.disabled).toBe(false);
  });

  it('shows a hint for an empty chat and another when there is no connection', () => {
    const t = setup();
    expect(t.$('.empty-state')!.hidden).toBe(false);
    expect(t.$('.empty-state')!.textContent).toMatch(/^Ask anything/);
    t.receive({ type: 'connections', connections: [] });
    expect(t.$('.empty-state')!.textContent).toMatch(/^Add a connection to start chatting/);
    // The connection button stays usable: its quick pick offers "Add Connection…".
    expect(t.button('Connection: Add a connection')!.disabled).toBe(false);
    expect(t.button('Model: Choose a model')!.disabled).toBe(true);
    t.receive({ type: 'connections', connections: viewState().connections });
    t.receive({ type: 'chat', chat: chat([userTurn('u1', 'hi')]), busy: false });
    expect(t.$('.empty-state')!.hidden).toBe(true);
  });

  it('asks for a connection when the chat has none chosen and there is no default', () => {
    const t = setup({
      state: viewState({
        chat: chat([], { connectionId: undefined, model: undefined }),
        connections: [{ id: 'c3', name: 'Local', provider: 'ollama', isDefault: false, keyAvailable: true }],
      }),
    });
    expect(t.button('Connection: Choose a connection')!.textContent).toBe('Choose a connection');
    expect(t.button('Model: Choose a model')!.disabled).toBe(true);
  });

  it('ignores messages that arrive before init and says it is loading', () => {
    document.body.replaceChildren();
    const root = document.body.appendChild(document.createElement('main'));
    const posted: unknown[] = [];
    const view = createChatView(root, (m) => posted.push(m), { raf: () => 0 });
    view.receive({ type: 'chat', chat: chat([userTurn('u1', 'x')]), busy: false });
    view.receive({ type: 'delta', chatId: 'chat1', turnId: 'a1', text: 'x' });
    expect(root.querySelectorAll('.turn')).toHaveLength(0);
    expect(root.querySelector('.empty-state')!.textContent).toBe('Loading…');
    expect(root.querySelector<HTMLButtonElement>('button[aria-label="Send"]')!.disabled).toBe(true);
    expect(posted).toEqual([]);
  });
});
