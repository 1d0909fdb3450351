import { describe, expect, it } from 'vitest';
import { DaemonUnavailableError, RpcError } from '../../../shared/client';
import { SwitchboardError } from '../../../shared/protocol';
import type { ChatSession } from '../../../shared/webview';
import { AttachmentError } from '../../../extension/chat/attachments';
import { STREAM_IDLE_TIMEOUT_MS } from '../../../extension/daemon/streamIdle';
import { ChatStore, STORE_KEY } from '../../../extension/chat/chatStore';
import { attachment, ofType, setup, tick } from './fakes';

const ready = async (s: ReturnType<typeof setup>) => {
  await s.host.handle({ type: 'ready' });
  s.posted.length = 0;
};

const lastChat = (s: ReturnType<typeof setup>) => ofType(s.posted, 'chat').at(-1)!;

describe('ChatHost: the page', () => {
  it('answers ready with init: a new chat on the default connection and its default model', async () => {
    const s = setup();
    await s.host.handle({ type: 'ready' });
    const [init] = ofType(s.posted, 'init');
    expect(init!.state.chat).toMatchObject({ title: 'New chat', connectionId: 'c1', model: 'gpt-test', turns: [] });
    expect(init!.state.connections).toEqual([
      { id: 'c1', name: 'Work', provider: 'OpenAI', defaultModel: 'gpt-test', isDefault: true, keyAvailable: true },
      {
        id: 'c2',
        name: 'Claude',
        provider: 'Anthropic',
        defaultModel: 'claude-test',
        isDefault: false,
        keyAvailable: true,
      },
    ]);
    expect(init!.state).toMatchObject({ history: [], attachments: [], daemon: 'connected', busy: false });
  });

  it('starts a new chat on the workspace choice, with the workspace model', async () => {
    const s = setup();
    s.env.choice = { connectionId: 'c2', model: 'claude-big' };
    await s.host.handle({ type: 'newChat' });
    expect(s.host.current).toMatchObject({ connectionId: 'c2', model: 'claude-big' });
  });

  it('posts nothing before ready, and focuses the input once the page is ready', async () => {
    const s = setup();
    s.host.focusInput();
    s.host.daemonChanged('down');
    expect(s.posted).toEqual([]);
    await s.host.handle({ type: 'ready' });
    expect(s.posted.map((m) => m.type)).toEqual(['init', 'focusInput']);
  });

  it("shows the page's History on the title bar's command, once the page is ready", async () => {
    const s = setup();
    s.host.toggleHistory();
    expect(s.posted).toEqual([]);
    await s.host.handle({ type: 'ready' });
    expect(s.posted.map((m) => m.type)).toEqual(['init', 'toggleHistory']);
    s.host.toggleHistory();
    expect(s.posted.at(-1)).toEqual({ type: 'toggleHistory' });
  });

  it('holds messages while the page is gone (view disposed or reloading) until it is ready again', async () => {
    const s = setup();
    await ready(s);
    expect(s.host.pageReady).toBe(true);
    s.host.detach();
    expect(s.host.pageReady).toBe(false);
    s.host.daemonChanged('down');
    s.host.addAttachment(attachment());
    expect(s.posted).toEqual([]);
    await s.host.handle({ type: 'ready' });
    expect(s.posted.map((m) => m.type)).toEqual(['init']);
    expect(ofType(s.posted, 'init')[0]!.state.attachments).toHaveLength(1);
  });

  it('lets an untouched new chat follow the workspace choice, until a connection is picked for it', async () => {
    const s = setup();
    await ready(s);
    s.env.choice = { connectionId: 'c2' };
    s.host.choiceChanged();
    expect(lastChat(s).chat).toMatchObject({ connectionId: 'c2', model: 'claude-test' });
    await s.host.handle({ type: 'selectConnection', connectionId: 'c1' });
    s.env.choice = { connectionId: 'c2', model: 'other' };
    s.host.choiceChanged();
    expect(s.host.current).toMatchObject({ connectionId: 'c1', model: 'gpt-test' });
  });
});

describe("ChatHost: choosing the connection and model in VS Code's pickers", () => {
  it('pickConnection asks the connection, then its model, and puts the chat on both; then offers the workspace default', async () => {
    const s = setup();
    await ready(s);
    s.ui.pick = 'c2';
    s.ui.modelPick = { model: 'claude-big' };
    await s.host.handle({ type: 'pickConnection' });
    expect(s.ui.log).toEqual(['pick c1', 'pickModel c2 claude-test "New chat"', 'offerDefault c2 claude-big']);
    expect(lastChat(s).chat).toMatchObject({ connectionId: 'c2', model: 'claude-big' });
    // Chosen: the chat no longer follows the workspace.
    s.env.choice = { connectionId: 'c1' };
    s.host.choiceChanged();
    expect(s.host.current).toMatchObject({ connectionId: 'c2', model: 'claude-big' });
  });

  it("marks the chat's own model in the model step when the same connection is picked again", async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'selectModel', model: 'gpt-big' });
    s.ui.pick = 'c1';
    s.ui.modelPick = undefined;
    await s.host.handle({ type: 'pickConnection' });
    expect(s.ui.log).toContain('pickModel c1 gpt-big "New chat"');
    expect(s.host.current).toMatchObject({ connectionId: 'c1', model: 'gpt-big' });
  });

  it('keeps the new connection on its default model when the model step is cancelled, and changes nothing when the first is', async () => {
    const s = setup();
    await ready(s);
    s.ui.pick = undefined;
    await s.host.handle({ type: 'pickConnection' });
    expect(s.host.current).toMatchObject({ connectionId: 'c1', model: 'gpt-test' });
    expect(s.ui.log).toEqual(['pick c1']);
    s.ui.pick = 'c2';
    s.ui.modelPick = undefined;
    await s.host.handle({ type: 'pickConnection' });
    expect(s.host.current).toMatchObject({ connectionId: 'c2', model: 'claude-test' });
  });

  it("pickModel changes only the model of the chat's connection (the connection's default when that row is picked)", async () => {
    const s = setup();
    await ready(s);
    s.ui.modelPick = { model: 'gpt-big' };
    await s.host.handle({ type: 'pickModel' });
    expect(s.ui.log).toEqual(['pickModel c1 gpt-test "New chat"', 'offerDefault c1 gpt-big']);
    expect(lastChat(s).chat).toMatchObject({ connectionId: 'c1', model: 'gpt-big' });
    s.ui.modelPick = {};
    await s.host.handle({ type: 'pickModel' });
    expect(s.host.current).toMatchObject({ connectionId: 'c1', model: 'gpt-test' });
  });

  it('tells whoever listens when its choice changes, and says when the person uses the page (not when it loads)', async () => {
    const s = setup();
    const host = s.host;
    let changes = 0;
    host.onDidChangeChoice(() => changes++);
    await host.handle({ type: 'ready' });
    expect(s.focused).toEqual([]);
    await host.handle({ type: 'selectConnection', connectionId: 'c2' });
    expect(s.focused).toEqual(['focus']);
    expect(changes).toBeGreaterThan(0);
    expect(host.choice).toEqual({ connectionId: 'c2', model: 'claude-test' });
  });
});

describe('ChatHost: sending', () => {
  it('accepts, shows the message and an empty streaming answer, batches deltas, and finishes with meta', async () => {
    const s = setup({ batchMs: 20 });
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 7, text: 'Hello there' });
    expect(s.posted[0]).toEqual({ type: 'accepted', requestId: 7 });
    const started = lastChat(s);
    expect(started.busy).toBe(true);
    expect(started.chat.title).toBe('Hello there');
    expect(started.chat.turns).toMatchObject([
      { role: 'user', text: 'Hello there', attachments: [] },
      { role: 'assistant', text: '', status: 'streaming' },
    ]);

    const call = s.daemon.calls.find((c) => c.method === 'chat/stream')!;
    expect(call.params).toMatchObject({
      connectionId: 'c1',
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    expect(call.params.streamId).toMatch(/^[0-9a-f-]{36}$/);
    // A model thinking for minutes must not be cut by the client's 5-minute default idle timeout.
    expect(call.opts?.idleTimeoutMs).toBe(STREAM_IDLE_TIMEOUT_MS);
    expect(STREAM_IDLE_TIMEOUT_MS).toBeGreaterThanOrEqual(30 * 60_000);

    for (const piece of ['Hel', 'lo', ' from', ' the', ' model']) s.daemon.stream.emit(piece);
    await tick(40);
    const deltas = ofType(s.posted, 'delta');
    expect(deltas).toEqual([
      { type: 'delta', chatId: started.chat.id, turnId: started.chat.turns[1]!.id, text: 'Hello from the model' },
    ]);

    s.daemon.stream.finish({
      skipped: [{ connectionId: 'c9', name: 'Busy', model: 'm', code: 'RATE_LIMITED', message: 'slow down' }],
    });
    await tick();
    const done = lastChat(s);
    expect(done.busy).toBe(false);
    expect(done.chat.turns[1]).toMatchObject({
      status: 'done',
      text: 'Hello from the model',
      meta: {
        connectionId: 'c1',
        connectionName: 'Work',
        model: 'gpt-test',
        usage: { inputTokens: 5, outputTokens: 3 },
        firstTokenMs: 12,
        totalMs: 40,
        costUsd: 0.0001,
        skipped: [{ connectionId: 'c9', name: 'Busy', model: 'm', code: 'RATE_LIMITED', message: 'slow down' }],
      },
    });
    expect(ofType(s.posted, 'history').at(-1)!.chats).toMatchObject([
      { id: started.chat.id, title: 'Hello there', turnCount: 2, connectionId: 'c1', model: 'gpt-test' },
    ]);
  });

  it('puts deltas that arrive out of order back in order', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    s.daemon.stream.emit('b', 1);
    s.daemon.stream.emit('a', 0);
    s.daemon.stream.emit('c', 2);
    await tick();
    expect(
      ofType(s.posted, 'delta')
        .map((d) => d.text)
        .join(''),
    ).toBe('abc');
  });

  it('sends the history (without failed answers) and the attachments as fenced code', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'first' });
    s.daemon.stream.emit('one');
    s.daemon.stream.finish();
    await tick();
    await s.host.handle({ type: 'send', requestId: 2, text: 'second' });
    s.daemon.stream.fail(new SwitchboardError('UPSTREAM_ERROR', 'The provider failed (500).', { hint: 'Try again.' }));
    await tick();
    s.ui.selection = attachment();
    await s.host.handle({ type: 'addSelection' });
    expect(ofType(s.posted, 'attachments').at(-1)!.attachments).toHaveLength(1);
    await s.host.handle({ type: 'send', requestId: 3, text: 'why?' });
    expect(s.daemon.stream.params.messages).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'one' },
      {
        role: 'user',
        content: 'second\n\nFrom `src/app.ts` (lines 2-3):\n```typescript\nconst a = 1;\nconst b = 2;\n```\n\nwhy?',
      },
    ]);
    expect(ofType(s.posted, 'attachments').at(-1)!.attachments).toEqual([]);
    expect(lastChat(s).chat.turns.at(-2)).toMatchObject({ role: 'user', attachments: [{ label: 'app.ts:2-3' }] });
  });

  it('refuses an empty message, and a second message while one streams, keeping the input', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: '  \n ' });
    expect(s.posted).toEqual([
      { type: 'rejected', requestId: 1, error: { code: 'VALIDATION', message: 'Type a message first.', actions: [] } },
    ]);
    await s.host.handle({ type: 'send', requestId: 2, text: 'one' });
    await s.host.handle({ type: 'send', requestId: 3, text: 'two' });
    expect(ofType(s.posted, 'rejected').at(-1)).toMatchObject({ requestId: 3, error: { code: 'BUSY' } });
    expect(s.daemon.streams).toHaveLength(1);
  });

  it('sends the attachments alone when there is no text, titling the chat after the first', async () => {
    const s = setup();
    await ready(s);
    s.host.addAttachment(attachment());
    await s.host.handle({ type: 'send', requestId: 1, text: '' });
    expect(ofType(s.posted, 'accepted')).toEqual([{ type: 'accepted', requestId: 1 }]);
    expect(s.daemon.stream.params.messages).toEqual([
      { role: 'user', content: 'From `src/app.ts` (lines 2-3):\n```typescript\nconst a = 1;\nconst b = 2;\n```' },
    ]);
    expect(s.host.current.title).toBe('About app.ts:2-3');
  });

  it('runs answers on two chats at once, one stream per chat', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'one' });
    const first = s.host.current.id;
    await s.host.handle({ type: 'newChat' });
    await s.host.handle({ type: 'send', requestId: 2, text: 'two' });
    expect(s.daemon.streams).toHaveLength(2);
    expect(s.runner.isBusy(first) && s.runner.isBusy(s.host.current.id)).toBe(true);
    // Deltas of the chat not shown are not posted to this page.
    s.posted.length = 0;
    s.daemon.streams[0]!.emit('elsewhere');
    await tick();
    expect(ofType(s.posted, 'delta')).toEqual([]);
  });

  it('refuses with NO_CONNECTION when there is no connection at all', async () => {
    const s = setup({ connections: [] });
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    expect(s.posted).toEqual([
      {
        type: 'rejected',
        requestId: 1,
        error: {
          code: 'NO_CONNECTION',
          message: 'Switchboard has no connections yet.',
          hint: expect.stringContaining('Add Connection'),
          actions: ['selectConnection'],
        },
      },
    ]);
  });

  it("refuses with CONNECTION_NOT_FOUND when the chat's connection was deleted", async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'selectConnection', connectionId: 'c2' });
    (s.env.connections.connections as unknown[]).splice(1, 1);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    expect(ofType(s.posted, 'rejected')[0]!.error).toMatchObject({
      code: 'CONNECTION_NOT_FOUND',
      actions: ['selectConnection'],
    });
  });

  it('refuses while the daemon is down, offering retry, and asks for a reconnect now', async () => {
    const s = setup();
    await ready(s);
    s.env.daemonState = 'down';
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    expect(ofType(s.posted, 'rejected')[0]!.error).toMatchObject({ code: 'DAEMON_UNAVAILABLE', actions: ['retry'] });
    expect(s.ui.log).toContain('retryDaemon');
    expect(s.daemon.streams).toHaveLength(0);
  });

  it('lets the daemon resolve the connection while the list is not loaded, passing the workspace choice', async () => {
    const s = setup({ loaded: false, connections: [] });
    s.env.choice = { connectionId: 'c7' };
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    expect(s.daemon.stream.params).toMatchObject({ workspaceConnectionId: 'c7' });
    expect(s.daemon.stream.params.connectionId).toBeUndefined();
  });
});

describe('ChatHost: stop and errors', () => {
  it('stops with chat/cancel, keeping the partial text, marked stopped', async () => {
    const s = setup();
    s.daemon.answers['chat/cancel'] = () => ({ cancelled: true });
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    s.daemon.stream.emit('partial ');
    s.daemon.stream.emit('answer');
    await tick();
    await s.host.handle({ type: 'stop' });
    expect(s.daemon.calls.at(-1)).toEqual({
      method: 'chat/cancel',
      params: { streamId: s.daemon.stream.params.streamId },
    });
    // The daemon's own CANCELLED comes after the stream ended here; it changes nothing.
    s.daemon.stream.fail(
      new SwitchboardError('CANCELLED', 'The stream was cancelled by chat/cancel.', {
        hint: 'Send it again.',
        partialText: 'partial answer',
      }),
    );
    await tick();
    const last = lastChat(s);
    expect(last.busy).toBe(false);
    expect(last.chat.turns[1]).toMatchObject({ status: 'stopped', text: 'partial answer' });
    expect(last.chat.turns[1]).not.toHaveProperty('error');
  });

  it('marks the answer stopped by itself when the daemon cannot be told', async () => {
    const s = setup();
    s.daemon.answers['chat/cancel'] = () => {
      throw new DaemonUnavailableError('closed', 'The connection closed.', 'Reconnecting.');
    };
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    s.daemon.stream.emit('so far');
    await tick();
    await s.host.handle({ type: 'stop' });
    await tick();
    expect(lastChat(s)).toMatchObject({ busy: false, chat: { turns: [{}, { status: 'stopped', text: 'so far' }] } });
  });

  it('shows INVALID_API_KEY inline with Replace key and Select connection; the actions open the manager and the pick', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    s.daemon.stream.fail(
      new SwitchboardError('INVALID_API_KEY', 'OpenAI rejected the key (401).', {
        hint: 'Replace the key of "Work".',
        connectionId: 'c1',
      }),
    );
    await tick();
    const turn = lastChat(s).chat.turns[1]!;
    expect(turn).toMatchObject({
      status: 'error',
      error: {
        code: 'INVALID_API_KEY',
        message: 'OpenAI rejected the key (401).',
        hint: 'Replace the key of "Work".',
        actions: ['replaceKey', 'selectConnection'],
      },
    });
    await s.host.handle({ type: 'errorAction', action: 'replaceKey', turnId: turn.id });
    await s.host.handle({ type: 'errorAction', action: 'testConnection', turnId: turn.id });
    await s.host.handle({ type: 'errorAction', action: 'editConnection', turnId: turn.id });
    s.ui.pick = 'c2';
    await s.host.handle({ type: 'errorAction', action: 'selectConnection', turnId: turn.id });
    // "Replace Key" asks the manager to open the key field (with the focus in it), "Edit" only the connection.
    expect(s.ui.log).toEqual([
      'command switchboard.editConnection c1 {"replaceKey":true}',
      'command switchboard.testConnection c1',
      'command switchboard.editConnection c1',
      'pick c1',
    ]);
    expect(s.host.current).toMatchObject({ connectionId: 'c2', model: 'claude-test' });
    expect(new ChatStore(s.memento).get(s.host.current.id)).toMatchObject({ connectionId: 'c2' });
  });

  it('keeps the text that streamed before an INCOMPLETE stream, and offers retry, test and select', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    s.daemon.stream.emit('half an');
    s.daemon.stream.fail(
      new SwitchboardError('INCOMPLETE', 'The stream ended early.', { hint: 'Try again.', partialText: 'half an' }),
    );
    await tick();
    expect(lastChat(s).chat.turns[1]).toMatchObject({
      status: 'error',
      text: 'half an',
      error: { code: 'INCOMPLETE', actions: ['retry', 'testConnection', 'selectConnection'] },
    });
  });

  it('shows a dropped daemon connection as DAEMON_UNAVAILABLE with retry', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    s.daemon.stream.fail(new DaemonUnavailableError('closed', 'The connection to the daemon closed.', 'Reconnecting.'));
    await tick();
    expect(lastChat(s).chat.turns[1]).toMatchObject({
      status: 'error',
      error: { code: 'DAEMON_UNAVAILABLE', actions: ['retry'] },
    });
  });

  it('retries the last message on the connection chosen after the error, replacing the failed answer', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    s.daemon.stream.fail(new SwitchboardError('RATE_LIMITED', 'Slow down.', { hint: 'Wait.', retryAfterMs: 1000 }));
    await tick();
    await s.host.handle({ type: 'selectConnection', connectionId: 'c2' });
    const failed = s.host.current.turns[1]!;
    await s.host.handle({ type: 'errorAction', action: 'retry', turnId: failed.id });
    expect(s.daemon.streams).toHaveLength(2);
    expect(s.daemon.stream.params).toMatchObject({
      connectionId: 'c2',
      model: 'claude-test',
      messages: [{ role: 'user', content: 'hi' }],
    });
    s.daemon.stream.emit('ok');
    s.daemon.stream.finish();
    await tick();
    const turns = lastChat(s).chat.turns;
    expect(turns.map((t) => (t.role === 'user' ? 'user' : t.status))).toEqual(['user', 'done']);
    expect(turns[1]!.id).not.toBe(failed.id);
  });

  it('turns a protocol fault into an error without actions', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    s.daemon.stream.fail(new RpcError(-32602, 'Invalid params: messages.0.content: too long'));
    await tick();
    expect(lastChat(s).chat.turns[1]).toMatchObject({ status: 'error', error: { code: '-32602', actions: [] } });
  });
});

describe('ChatHost: chats and persistence', () => {
  it("keeps a connection and model per chat: each request goes to its own chat's choice", async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'selectConnection', connectionId: 'c2' });
    await s.host.handle({ type: 'selectModel', model: 'claude-big' });
    await s.host.handle({ type: 'send', requestId: 1, text: 'to claude' });
    s.daemon.stream.finish();
    const claudeChat = s.host.current.id;
    await s.host.handle({ type: 'newChat' });
    expect(s.host.current).toMatchObject({ connectionId: 'c1', model: 'gpt-test' });
    await s.host.handle({ type: 'send', requestId: 2, text: 'to work' });
    s.daemon.stream.finish();
    await tick();
    expect(s.daemon.streams.map((st) => [st.params.connectionId, st.params.model])).toEqual([
      ['c2', 'claude-big'],
      ['c1', 'gpt-test'],
    ]);
    await s.host.handle({ type: 'openChat', chatId: claudeChat });
    expect(lastChat(s).chat).toMatchObject({ id: claudeChat, connectionId: 'c2', model: 'claude-big' });
    expect(s.shown.at(-1)).toBe(claudeChat);
  });

  it('stores a chat with its first message, and a reloaded window shows it with its connection and model', async () => {
    const s = setup();
    await ready(s);
    expect(s.memento.values.has(STORE_KEY)).toBe(false);
    await s.host.handle({ type: 'selectConnection', connectionId: 'c2' });
    await s.host.handle({ type: 'send', requestId: 1, text: 'remember me' });
    s.daemon.stream.emit('sure');
    s.daemon.stream.finish();
    await tick();
    await s.store.flush();
    const id = s.host.current.id;

    const again = setup({ memento: s.memento, initialChatId: id });
    await again.host.handle({ type: 'ready' });
    const chat = ofType(again.posted, 'init')[0]!.state.chat as ChatSession;
    expect(chat).toMatchObject({ id, title: 'remember me', connectionId: 'c2', model: 'claude-test' });
    expect(chat.turns.map((t) => t.text)).toEqual(['remember me', 'sure']);
  });

  it('renames with the given title, or asks for one', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    s.daemon.stream.finish();
    await tick();
    const id = s.host.current.id;
    await s.host.handle({ type: 'renameChat', chatId: id, title: '  Better   title ' });
    expect(s.store.get(id)!.title).toBe('Better title');
    expect(lastChat(s).chat.title).toBe('Better title');
    await s.host.handle({ type: 'renameChat', chatId: id });
    expect(s.ui.log).toContain('askTitle Better title');
    expect(s.store.get(id)!.title).toBe('Renamed');
  });

  it('deletes a chat; the page showing it moves to a new chat', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    s.daemon.stream.finish();
    await tick();
    const id = s.host.current.id;
    await s.host.handle({ type: 'deleteChat', chatId: id });
    expect(s.store.has(id)).toBe(false);
    expect(ofType(s.posted, 'history').at(-1)!.chats).toEqual([]);
    expect(s.host.current.id).not.toBe(id);
    expect(lastChat(s).chat.turns).toEqual([]);
  });

  it('stops an answer whose chat is deleted, and does not bring the chat back when it ends', async () => {
    const s = setup();
    s.daemon.answers['chat/cancel'] = () => ({ cancelled: true });
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    const id = s.host.current.id;
    await s.host.handle({ type: 'deleteChat', chatId: id });
    expect(s.daemon.calls.some((c) => c.method === 'chat/cancel')).toBe(true);
    s.daemon.stream.fail(new SwitchboardError('CANCELLED', 'cancelled', { hint: '', partialText: '' }));
    await tick();
    expect(s.store.has(id)).toBe(false);
  });

  it('a second view of the same chat follows its stream', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    const other: typeof s.posted = [];
    const second = s.makeHost(s.host.current.id, other);
    await second.handle({ type: 'ready' });
    s.daemon.stream.emit('shared');
    await tick();
    expect(ofType(other, 'delta').map((d) => d.text)).toEqual(['shared']);
    await second.handle({ type: 'stop' });
    expect(s.daemon.calls.at(-1)?.method).toBe('chat/cancel');
  });
});

describe('ChatHost: the rest', () => {
  it("lists a connection's models, or says why it could not", async () => {
    const s = setup();
    await ready(s);
    s.daemon.answers['models/list'] = ({ connectionId }) => {
      if (connectionId === 'c2')
        throw new SwitchboardError('UNREACHABLE', 'Cannot reach Anthropic.', { hint: 'Check the network.' });
      return { models: [{ id: 'gpt-a' }, { id: 'gpt-b' }], stale: false };
    };
    await s.host.handle({ type: 'loadModels', connectionId: 'c1' });
    await s.host.handle({ type: 'loadModels', connectionId: 'c2' });
    expect(ofType(s.posted, 'models')).toEqual([
      { type: 'models', connectionId: 'c1', models: ['gpt-a', 'gpt-b'] },
      { type: 'models', connectionId: 'c2', models: [], error: 'Cannot reach Anthropic. Check the network.' },
    ]);
  });

  it('opens only http(s) links', async () => {
    const s = setup();
    await ready(s);
    for (const href of [
      'https://example.com/a?b=1',
      'http://127.0.0.1:8080/',
      'command:workbench.action.terminal.new',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'vscode://x',
      'not a url',
    ]) {
      await s.host.handle({ type: 'openLink', href });
    }
    expect(s.ui.log).toEqual(['open https://example.com/a?b=1', 'open http://127.0.0.1:8080/']);
  });

  it('copies and inserts code, and opens the chat in an editor tab', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'copyCode', code: 'x = 1' });
    await s.host.handle({ type: 'insertCode', code: 'y = 2' });
    await s.host.handle({ type: 'openInEditor' });
    expect(s.ui.log).toEqual(['copy code x = 1', 'insert y = 2', `openInEditor ${s.host.current.id}`]);
  });

  it('adds and removes attachments; an editor refusal becomes a warning', async () => {
    const s = setup();
    await ready(s);
    s.ui.file = attachment({ id: 'f1', kind: 'file', label: 'app.ts', startLine: undefined, endLine: undefined });
    await s.host.handle({ type: 'addFile' });
    s.host.addAttachment(attachment({ id: 'a2' }));
    expect(s.host.pendingAttachments.map((a) => a.id)).toEqual(['f1', 'a2']);
    await s.host.handle({ type: 'removeAttachment', id: 'f1' });
    expect(
      ofType(s.posted, 'attachments')
        .at(-1)!
        .attachments.map((a) => a.id),
    ).toEqual(['a2']);
    s.ui.selection = new AttachmentError('Nothing is selected.');
    await s.host.handle({ type: 'addSelection' });
    expect(s.ui.log).toEqual(['warn Nothing is selected.']);
  });

  it("warns with the daemon's hint when an action fails, and with the message alone for the extension's own errors", async () => {
    const s = setup();
    await ready(s);
    s.ui.executeCommand = async () => {
      throw new SwitchboardError('CONNECTION_NOT_FOUND', 'No connection has the id c1.', {
        hint: 'Choose another connection for this chat.',
      });
    };
    s.ui.insert = async () => {
      throw new Error('Could not insert into a.ts: the editor refused the edit. Use Copy.');
    };
    await s.host.handle({ type: 'errorAction', action: 'testConnection', turnId: 'none' });
    await s.host.handle({ type: 'insertCode', code: 'x' });
    expect(s.ui.log).toEqual([
      'warn Switchboard chat: No connection has the id c1. Choose another connection for this chat.',
      'warn Switchboard chat: Could not insert into a.ts: the editor refused the edit. Use Copy.',
    ]);
  });

  it('forwards the daemon state and connection changes', async () => {
    const s = setup();
    await ready(s);
    s.host.daemonChanged('down');
    s.host.connectionsChanged();
    expect(s.posted.map((m) => m.type)).toEqual(['daemon', 'connections']);
  });
});

describe('ChatStore through the host', () => {
  it('a reloaded store shows an answer that was streaming as stopped', async () => {
    const s = setup();
    await ready(s);
    await s.host.handle({ type: 'send', requestId: 1, text: 'hi' });
    await s.store.flush();
    expect(new ChatStore(s.memento).get(s.host.current.id)!.turns[1]).toMatchObject({ status: 'stopped' });
  });
});
