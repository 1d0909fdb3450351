// @vitest-environment happy-dom
import './happyDomNodeName';
import { describe, expect, it } from 'vitest';
import { createChatView } from '../../../../extension/chat/page/view';
import { answer, chat, setup, userTurn, viewState } from './fixtures';

describe('chat view: header, turns and history', () => {
  it('renders the pickers, the header buttons, the turns and the history from init', () => {
    const t = setup({ state: viewState({ chat: chat([userTurn('u1', 'hello <b>there</b>'), answer('a1', { text: 'Hi **you**', status: 'done' })]) }) });
    const connection = t.$<HTMLSelectElement>('select[aria-label="Connection"]')!;
    expect([...connection.options].map((o) => o.textContent)).toEqual(['Work — ok, default', 'Backup — error']);
    expect(connection.value).toBe('c1');
    expect(t.$<HTMLSelectElement>('select[aria-label="Model"]')!.value).toBe('gpt-4o');
    for (const label of ['New Chat', 'History', 'Open Chat in Editor']) {
      const b = t.button(label)!;
      expect(b.getAttribute('title')).toBe(label);
    }
    const log = t.$('[role="log"][aria-label="Chat messages"]')!;
    const turns = [...log.querySelectorAll<HTMLElement>('.turn')];
    expect(turns.map((e) => [e.className, e.dataset.turnId, e.dataset.status])).toEqual([['turn user', 'u1', undefined], ['turn assistant', 'a1', 'done']]);
    // What the person typed shows as typed; the answer is Markdown.
    expect(turns[0]!.querySelector('b')).toBeNull();
    expect(turns[0]!.textContent).toContain('hello <b>there</b>');
    expect(turns[1]!.querySelector('strong')!.textContent).toBe('you');
    expect(t.$$('.history-item').map((e) => e.querySelector('.history-title')!.textContent)).toEqual(['First chat', 'Older chat']);
  });

  it('asks for the models of the chat\'s connection and lists them after the chat\'s model', () => {
    const t = setup();
    expect(t.posted).toContainEqual({ type: 'loadModels', connectionId: 'c1' });
    const model = t.$<HTMLSelectElement>('select[aria-label="Model"]')!;
    expect([...model.options].map((o) => o.textContent)).toEqual(['gpt-4o', 'Loading models…']);
    t.receive({ type: 'models', connectionId: 'c1', models: ['gpt-4o-mini', 'gpt-4o', 'o3'] });
    expect([...model.options].map((o) => o.value)).toEqual(['gpt-4o', 'gpt-4o-mini', 'o3']);
    model.value = 'o3';
    model.dispatchEvent(new Event('change'));
    expect(t.posted.at(-1)).toEqual({ type: 'selectModel', model: 'o3' });
  });

  it('shows why models are missing and asks again when the picker gets focus', () => {
    const t = setup();
    t.receive({ type: 'models', connectionId: 'c1', models: [], error: 'The daemon is not reachable.' });
    const model = t.$<HTMLSelectElement>('select[aria-label="Model"]')!;
    expect(model.textContent).toContain('Models unavailable: The daemon is not reachable.');
    t.posted.length = 0;
    model.dispatchEvent(new Event('focus'));
    expect(t.posted).toEqual([{ type: 'loadModels', connectionId: 'c1' }]);
  });

  it('sends selectConnection and loads that connection\'s models when another is chosen', () => {
    const t = setup();
    t.posted.length = 0;
    const connection = t.$<HTMLSelectElement>('select[aria-label="Connection"]')!;
    connection.value = 'c2';
    connection.dispatchEvent(new Event('change'));
    expect(t.posted).toEqual([{ type: 'selectConnection', connectionId: 'c2' }, { type: 'loadModels', connectionId: 'c2' }]);
  });

  it('posts New Chat and Open Chat in Editor', () => {
    const t = setup();
    t.posted.length = 0;
    t.button('New Chat')!.click();
    t.button('Open Chat in Editor')!.click();
    expect(t.posted).toEqual([{ type: 'newChat' }, { type: 'openInEditor' }]);
  });

  it('toggles the history list, marks the current chat and posts open, rename and delete', () => {
    const t = setup();
    const history = t.$('.history')!;
    expect(history.hidden).toBe(true);
    t.button('History')!.click();
    expect(history.hidden).toBe(false);
    expect(t.button('History')!.getAttribute('aria-expanded')).toBe('true');
    const current = t.$$('.history-item[aria-current="true"]');
    expect(current.map((e) => e.dataset.chatId)).toEqual(['chat1']);
    expect(t.$$('.history-date').map((e) => e.textContent)).toEqual(['5 min ago', '2 days ago']);
    t.posted.length = 0;
    t.button('Rename Older chat')!.click();
    t.button('Delete Older chat')!.click();
    t.button('Open Older chat')!.click();
    expect(t.posted).toEqual([{ type: 'renameChat', chatId: 'chat0' }, { type: 'deleteChat', chatId: 'chat0' }, { type: 'openChat', chatId: 'chat0' }]);
    expect(history.hidden).toBe(true);
  });

  it('updates the history list from a history message', () => {
    const t = setup();
    t.receive({ type: 'history', chats: [{ id: 'chat9', title: 'Renamed', updatedAt: '2025-06-01T11:59:50Z', turnCount: 2 }] });
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
    expect(t.$<HTMLSelectElement>('select[aria-label="Connection"]')!.disabled).toBe(true);
    t.receive({ type: 'connections', connections: viewState().connections });
    t.receive({ type: 'chat', chat: chat([userTurn('u1', 'hi')]), busy: false });
    expect(t.$('.empty-state')!.hidden).toBe(true);
  });

  it('marks untested connections and offers a placeholder when the chat has none chosen', () => {
    const t = setup({ state: viewState({
      chat: chat([], { connectionId: undefined, model: undefined }),
      connections: [{ id: 'c3', name: 'Local', provider: 'ollama', isDefault: false, keyAvailable: true }],
    }) });
    const connection = t.$<HTMLSelectElement>('select[aria-label="Connection"]')!;
    expect([...connection.options].map((o) => [o.textContent, o.disabled])).toEqual([['Choose a connection', true], ['Local — untested', false]]);
    expect(t.$<HTMLSelectElement>('select[aria-label="Model"]')!.disabled).toBe(true);
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
