/**
 * The workspace's chats, kept in `context.workspaceState` so they survive a window reload. No
 * `vscode` import (a Memento is just get/update), so it is unit-tested with an in-memory one.
 *
 * Bounded: at most {@link MAX_CHATS} chats and about {@link MAX_STORED_CHARS} characters of JSON, the
 * oldest dropped first (the newest is always kept); an attachment keeps at most
 * {@link MAX_STORED_ATTACHMENT_CHARS} characters in storage (the request itself had all of it), and
 * an image attachment keeps its name but not its bytes.
 *
 * Sessions are live objects: the runner appends streamed text to them in memory and saves at the
 * turn's start and end, not on every delta.
 */
import { randomUUID } from 'node:crypto';
import type { ChatAttachment, ChatSession, ChatSummary, ChatTurn } from '../../shared/webview';
import { Emitter, type Listen } from './emitter';

/** The part of `vscode.Memento` the store uses. */
export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export const STORE_KEY = 'switchboard.chats';
export const MAX_CHATS = 100;
export const MAX_STORED_CHARS = 8_000_000;
export const MAX_STORED_ATTACHMENT_CHARS = 20_000;
export const DEFAULT_TITLE = 'New chat';

interface Stored {
  version: 1;
  chats: ChatSession[];
}

/**
 * What changed: a chat `saved` (created, a turn added or finished: it moved to the top of the
 * history), `updated` (renamed, another connection or model: views showing it redraw), or `deleted`.
 */
export interface ChatStoreChange {
  id: string;
  kind: 'saved' | 'updated' | 'deleted';
}

export class ChatStore {
  private chats: ChatSession[];
  private writing: Promise<void> = Promise.resolve();
  private readonly emitter = new Emitter<ChatStoreChange>();
  /** Fires after a chat was saved or deleted (also for chats dropped to stay within bounds). */
  readonly onDidChange: Listen<ChatStoreChange> = this.emitter.event;

  constructor(readonly memento: MementoLike) {
    // A copy: VS Code's Memento hands out its cached object, and sessions are mutated while they stream.
    this.chats = load(structuredClone(memento.get<unknown>(STORE_KEY)));
  }

  /** A new chat, not stored until {@link save} (an empty chat never clutters the history). */
  static draft(choice: { connectionId?: string; model?: string } = {}, now = new Date()): ChatSession {
    const at = now.toISOString();
    return { id: randomUUID(), title: DEFAULT_TITLE, createdAt: at, updatedAt: at, ...choice, turns: [] };
  }

  /** The live session (mutated by the runner while it streams), or undefined. */
  get(id: string): ChatSession | undefined {
    return this.chats.find((c) => c.id === id);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Most recently updated first. */
  list(): ChatSummary[] {
    return this.chats.map(summary);
  }

  /** The most recently updated chat. */
  latest(): ChatSession | undefined {
    return this.chats[0];
  }

  /** Stores `chat` (adding it if new) as just used: `updatedAt` now, at the top of the history. */
  save(chat: ChatSession): Promise<void> {
    chat.updatedAt = new Date().toISOString();
    this.chats = [chat, ...this.chats.filter((c) => c.id !== chat.id)];
    this.commit({ id: chat.id, kind: 'saved' });
    return this.writing;
  }

  /** Stores a change of title, connection or model of a stored chat, leaving its place in the history. */
  update(chat: ChatSession): Promise<void> {
    if (!this.has(chat.id)) return this.writing;
    this.chats = this.chats.map((c) => (c.id === chat.id ? chat : c));
    this.commit({ id: chat.id, kind: 'updated' });
    return this.writing;
  }

  async rename(id: string, title: string): Promise<boolean> {
    const chat = this.get(id);
    const clean = cleanTitle(title);
    if (!chat || clean === '') return false;
    chat.title = clean;
    await this.update(chat);
    return true;
  }

  async delete(id: string): Promise<boolean> {
    if (!this.has(id)) return false;
    this.chats = this.chats.filter((c) => c.id !== id);
    this.commit({ id, kind: 'deleted' });
    await this.writing;
    return true;
  }

  /** Resolves once every write so far reached the Memento. */
  flush(): Promise<void> {
    return this.writing;
  }

  dispose(): void {
    this.emitter.dispose();
  }

  private commit(change: ChatStoreChange): void {
    const dropped = this.persist();
    this.emitter.fire(change);
    for (const id of dropped) this.emitter.fire({ id, kind: 'deleted' });
  }

  /** Writes the bounded snapshot; returns the ids dropped to stay within the bounds. */
  private persist(): string[] {
    const kept: ChatSession[] = [];
    const stored: ChatSession[] = [];
    let size = 0;
    for (const chat of this.chats) {
      const copy = forStorage(chat);
      size += JSON.stringify(copy).length;
      if (kept.length > 0 && (kept.length >= MAX_CHATS || size > MAX_STORED_CHARS)) break;
      kept.push(chat);
      stored.push(copy);
    }
    const dropped = this.chats.slice(kept.length).map((c) => c.id);
    this.chats = kept;
    const value: Stored = { version: 1, chats: stored };
    // Updates are queued in order; a failed one (disk full) must not block the next.
    this.writing = this.writing
      .then(() => this.memento.update(STORE_KEY, value))
      .catch((error) => console.error('Switchboard: could not save the chats', error));
    return dropped;
  }
}

/** A title as stored: one line, at most 200 characters. */
export function cleanTitle(title: string): string {
  return title.trim().replace(/\s+/g, ' ').slice(0, 200);
}

function summary(c: ChatSession): ChatSummary {
  return {
    id: c.id,
    title: c.title,
    updatedAt: c.updatedAt,
    turnCount: c.turns.length,
    ...(c.connectionId ? { connectionId: c.connectionId } : {}),
    ...(c.model ? { model: c.model } : {}),
  };
}

/** A deep copy with attachments cut to their stored size. */
function forStorage(chat: ChatSession): ChatSession {
  return {
    ...chat,
    turns: chat.turns.map((t): ChatTurn =>
      t.role === 'user' ? { ...t, attachments: t.attachments.map(capAttachment) } : { ...t },
    ),
  };
}

function capAttachment(a: ChatAttachment): ChatAttachment {
  // Images stay in the live chat (follow-ups still send them) but not in workspaceState: a few would fill it.
  if (a.image) {
    const { image: _image, ...rest } = a;
    return rest;
  }
  if (a.text.length <= MAX_STORED_ATTACHMENT_CHARS) return { ...a };
  const cut = a.text.length - MAX_STORED_ATTACHMENT_CHARS;
  return {
    ...a,
    text: `${a.text.slice(0, MAX_STORED_ATTACHMENT_CHARS)}\n[… ${cut} more characters were not kept in the chat history]`,
  };
}

/**
 * Reads what a previous window stored, dropping anything malformed. An answer that was streaming
 * when the window closed can never finish: it is shown as stopped.
 */
function load(raw: unknown): ChatSession[] {
  const chats = (raw as Partial<Stored> | undefined)?.chats;
  if (!Array.isArray(chats)) return [];
  return chats.filter(isSession).map((c) => ({
    ...c,
    turns: c.turns
      .filter(isTurn)
      .map((t): ChatTurn => (t.role === 'assistant' && t.status === 'streaming' ? { ...t, status: 'stopped' } : t)),
  }));
}

function isSession(c: unknown): c is ChatSession {
  const s = c as Partial<ChatSession> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.id === 'string' &&
    typeof s.title === 'string' &&
    typeof s.updatedAt === 'string' &&
    Array.isArray(s.turns)
  );
}

function isTurn(t: unknown): t is ChatTurn {
  const turn = t as Partial<ChatTurn> | null;
  if (typeof turn !== 'object' || turn === null || typeof turn.id !== 'string' || typeof turn.text !== 'string')
    return false;
  return turn.role === 'assistant' || (turn.role === 'user' && Array.isArray(turn.attachments));
}
