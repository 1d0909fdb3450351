import { describe, expect, it } from 'vitest';
import type { ChatSession, ChatTurn } from '../../../shared/webview';
import {
  ChatStore,
  MAX_CHATS,
  MAX_STORED_ATTACHMENT_CHARS,
  MAX_STORED_CHARS,
  STORE_KEY,
  type ChatStoreChange,
} from '../../../extension/chat/chatStore';
import { attachment, MemoryMemento } from './fakes';

const user = (text: string, over: Partial<Extract<ChatTurn, { role: 'user' }>> = {}): ChatTurn => ({
  role: 'user',
  id: `u-${text.length}`,
  text,
  attachments: [],
  at: '2025-01-01T00:00:00Z',
  ...over,
});
const answer = (text: string, status: 'done' | 'streaming' | 'error' = 'done'): ChatTurn => ({
  role: 'assistant',
  id: `a-${text.length}`,
  text,
  status,
  at: '2025-01-01T00:00:00Z',
});

function chatWith(title: string, turns: ChatTurn[] = [user('q'), answer('a')]): ChatSession {
  return { ...ChatStore.draft({ connectionId: 'c1', model: 'm' }), title, turns };
}

describe('ChatStore', () => {
  it('does not store a draft until it is saved', () => {
    const memento = new MemoryMemento();
    const store = new ChatStore(memento);
    const draft = ChatStore.draft({ connectionId: 'c1' });
    expect(draft).toMatchObject({ title: 'New chat', connectionId: 'c1', turns: [] });
    expect(store.has(draft.id)).toBe(false);
    expect(memento.values.size).toBe(0);
  });

  it('persists chats to the Memento, newest first, and a new store reads them back', async () => {
    const memento = new MemoryMemento();
    const store = new ChatStore(memento);
    const a = chatWith('A');
    const b = chatWith('B');
    await store.save(a);
    await store.save(b);
    expect(store.list().map((c) => c.title)).toEqual(['B', 'A']);
    await store.save(a); // used again: back to the top
    const reloaded = new ChatStore(memento);
    expect(reloaded.list()).toEqual([
      { id: a.id, title: 'A', updatedAt: a.updatedAt, turnCount: 2, connectionId: 'c1', model: 'm' },
      { id: b.id, title: 'B', updatedAt: b.updatedAt, turnCount: 2, connectionId: 'c1', model: 'm' },
    ]);
    expect(reloaded.get(a.id)!.turns).toEqual(a.turns);
  });

  it("keeps a chat's place in the history on rename, and refuses an empty title", async () => {
    const store = new ChatStore(new MemoryMemento());
    const a = chatWith('A');
    const b = chatWith('B');
    await store.save(a);
    await store.save(b);
    expect(await store.rename(a.id, '  New\n name ')).toBe(true);
    expect(await store.rename(a.id, '   ')).toBe(false);
    expect(await store.rename('missing', 'x')).toBe(false);
    expect(store.list().map((c) => c.title)).toEqual(['B', 'New name']);
  });

  it('tells listeners what changed', async () => {
    const store = new ChatStore(new MemoryMemento());
    const changes: ChatStoreChange[] = [];
    store.onDidChange((c) => changes.push(c));
    const a = chatWith('A');
    await store.save(a);
    await store.rename(a.id, 'B');
    await store.delete(a.id);
    expect(await store.delete(a.id)).toBe(false);
    expect(changes).toEqual([
      { id: a.id, kind: 'saved' },
      { id: a.id, kind: 'updated' },
      { id: a.id, kind: 'deleted' },
    ]);
  });

  it(`keeps at most ${MAX_CHATS} chats, dropping the oldest`, async () => {
    const memento = new MemoryMemento();
    const store = new ChatStore(memento);
    const deleted: string[] = [];
    store.onDidChange((c) => c.kind === 'deleted' && deleted.push(c.id));
    const chats = Array.from({ length: MAX_CHATS + 2 }, (_, i) => chatWith(`chat ${i}`));
    for (const chat of chats) await store.save(chat);
    expect(store.list()).toHaveLength(MAX_CHATS);
    expect(deleted).toEqual([chats[0]!.id, chats[1]!.id]);
    expect(new ChatStore(memento).list()).toHaveLength(MAX_CHATS);
    expect(store.has(chats[0]!.id)).toBe(false);
  });

  it('drops the oldest chats to stay within the stored size, never the newest', async () => {
    const store = new ChatStore(new MemoryMemento());
    const big = 'x'.repeat(Math.ceil(MAX_STORED_CHARS / 3));
    const chats = [1, 2, 3].map((i) => chatWith(`big ${i}`, [user('q'), answer(big + i)]));
    for (const chat of chats) await store.save(chat);
    expect(store.list().map((c) => c.title)).toEqual(['big 3', 'big 2']);
    const huge = chatWith('huge', [user('q'), answer('y'.repeat(MAX_STORED_CHARS + 10))]);
    await store.save(huge);
    expect(store.list().map((c) => c.title)).toEqual(['huge']);
  });

  it('stores an attachment cut to its stored size, while the live chat keeps all of it', async () => {
    const memento = new MemoryMemento();
    const store = new ChatStore(memento);
    const text = 'z'.repeat(MAX_STORED_ATTACHMENT_CHARS + 500);
    const chat = chatWith('att', [user('look', { attachments: [attachment({ text })] })]);
    await store.save(chat);
    const live = store.get(chat.id)!.turns[0] as Extract<ChatTurn, { role: 'user' }>;
    expect(live.attachments[0]!.text).toBe(text);
    const stored = new ChatStore(memento).get(chat.id)!.turns[0] as Extract<ChatTurn, { role: 'user' }>;
    expect(stored.attachments[0]!.text.startsWith('z'.repeat(MAX_STORED_ATTACHMENT_CHARS))).toBe(true);
    expect(stored.attachments[0]!.text).toContain('500 more characters were not kept');
  });

  it('shows an answer that was streaming when the window closed as stopped, and drops malformed entries', async () => {
    const memento = new MemoryMemento();
    const good = chatWith('good', [user('q'), answer('half', 'streaming')]);
    await memento.update(STORE_KEY, {
      version: 1,
      chats: [
        good,
        { id: 1 },
        null,
        { ...chatWith('bad turns'), turns: [{ role: 'user', id: 'x', text: 'no attachments' }, answer('ok')] },
      ],
    });
    const store = new ChatStore(memento);
    expect(store.list().map((c) => c.title)).toEqual(['good', 'bad turns']);
    expect(store.get(good.id)!.turns[1]).toMatchObject({ status: 'stopped', text: 'half' });
    expect(store.list()[1]!.turnCount).toBe(1);
  });

  it('starts empty on garbage', () => {
    const memento = new MemoryMemento();
    memento.values.set(STORE_KEY, 'nonsense');
    expect(new ChatStore(memento).list()).toEqual([]);
  });
});
