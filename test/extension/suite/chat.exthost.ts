/**
 * The chat against the real daemon and a mock OpenAI upstream: a page stand-in drives a ChatHost of
 * the running extension (the window's own store and runner) with the messages the webview sends,
 * and reads what the host posts back. The mock's request log shows which key each request carried.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { ConnectionsCreate, ConnectionsDelete, type Connection } from '../../../shared/protocol';
import type { ChatSession, ChatToHost, ChatTurn, HostToChat } from '../../../shared/webview';
import { ChatStore } from '../../../extension/chat/chatStore';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { EXTENSION_ID, switchboard, waitFor } from './setup';

type Assistant = Extract<ChatTurn, { role: 'assistant' }>;

/** Stands in for the webview: posts ChatToHost messages, records HostToChat ones. */
class Page {
  readonly received: HostToChat[] = [];
  private readonly attached = switchboard().chat.createHost({
    post: (m) => void this.received.push(structuredClone(m)),
  });
  private nextRequest = 1;

  get host() {
    return this.attached.host;
  }

  async open(): Promise<void> {
    await this.post({ type: 'ready' });
  }

  post(message: ChatToHost): Promise<void> {
    return this.host.handle(message);
  }

  /** Sends a message; resolves with the host's answer to it (`accepted` or `rejected`). */
  async send(text: string): Promise<HostToChat> {
    const requestId = this.nextRequest++;
    await this.post({ type: 'send', requestId, text });
    const answer = this.received.find(
      (m) => (m.type === 'accepted' || m.type === 'rejected') && m.requestId === requestId,
    );
    assert.ok(answer, 'send is answered at once');
    return answer;
  }

  /** The last answer of the chat shown, once it is no longer streaming. */
  async settled(timeoutMs = 20_000): Promise<Assistant> {
    await waitFor(
      'the answer to settle',
      () => {
        const last = this.lastChat();
        return (
          !!last &&
          !last.busy &&
          last.chat.turns.at(-1)?.role === 'assistant' &&
          (last.chat.turns.at(-1) as Assistant).status !== 'streaming'
        );
      },
      timeoutMs,
    );
    return this.lastChat()!.chat.turns.at(-1) as Assistant;
  }

  lastChat(): { chat: ChatSession; busy: boolean } | undefined {
    return this.received.filter((m): m is Extract<HostToChat, { type: 'chat' }> => m.type === 'chat').at(-1);
  }

  deltas(): string {
    return this.received.flatMap((m) => (m.type === 'delta' ? [m.text] : [])).join('');
  }

  dispose(): void {
    this.attached.dispose();
  }
}

describe('chat', () => {
  const stamp = `${Date.now()}`;
  const keyA = `sk-chat-a-${randomBytes(8).toString('hex')}`;
  const keyB = `sk-chat-b-${randomBytes(8).toString('hex')}`;
  const created: string[] = [];
  const pages: Page[] = [];
  let up: MockUpstream;
  let a: Connection;
  let b: Connection;
  let bad: Connection;

  const page = async (): Promise<Page> => {
    const p = new Page();
    pages.push(p);
    await p.open();
    return p;
  };

  before(async () => {
    up = await startMockUpstream({ validKeys: [keyA, keyB] });
    const sb = switchboard();
    const make = async (name: string, model: string, apiKey: string): Promise<Connection> => {
      const { connection } = await sb.daemon.request(ConnectionsCreate, {
        name,
        provider: 'openai',
        baseUrl: up.openaiBaseUrl,
        defaultModel: model,
        keySource: 'memory',
        apiKey,
      });
      await sb.keys.store(connection.id, apiKey);
      created.push(connection.id);
      return connection;
    };
    a = await make(`Chat A ${stamp}`, 'gpt-5.4-mini', keyA);
    b = await make(`Chat B ${stamp}`, 'gpt-5.4', keyB);
    bad = await make(`Chat bad key ${stamp}`, 'gpt-5.4-mini', `sk-wrong-${randomBytes(8).toString('hex')}`);
    await waitFor("the connections in the window's store", () => [a, b, bad].every((c) => !!sb.connections.get(c.id)));
  });

  after(async () => {
    for (const p of pages) p.dispose();
    const sb = switchboard();
    for (const id of created) {
      await sb.daemon.request(ConnectionsDelete, { id }).catch(() => undefined);
      await sb.keys.delete(id).catch(() => undefined);
    }
    await up?.close();
  });

  it('round trip: send → accepted → streaming turn → deltas → done with meta', async () => {
    const p = await page();
    const init = p.received.find((m) => m.type === 'init');
    assert.ok(init && init.type === 'init', 'ready is answered with init');
    assert.ok(
      init.state.connections.some((c) => c.id === a.id),
      'the picker lists the connections',
    );
    await p.post({ type: 'selectConnection', connectionId: a.id });
    up.reset();
    assert.deepEqual(await p.send('Say hello'), { type: 'accepted', requestId: 1 });
    const streaming = p.received.find((m) => m.type === 'chat' && m.busy);
    assert.ok(streaming && streaming.type === 'chat');
    assert.deepEqual(
      streaming.chat.turns.map((t) => (t.role === 'user' ? `user:${t.text}` : `assistant:${t.status}`)),
      ['user:Say hello', 'assistant:streaming'],
    );

    const answer = await p.settled();
    assert.equal(answer.status, 'done', JSON.stringify(answer.error));
    assert.equal(answer.text, 'Hello from mock');
    assert.equal(p.deltas(), 'Hello from mock', 'the deltas add up to the answer');
    assert.equal(answer.meta?.connectionId, a.id);
    assert.equal(answer.meta?.connectionName, a.name);
    assert.equal(answer.meta?.model, 'gpt-5.4-mini');
    assert.ok(answer.meta?.usage && answer.meta.usage.outputTokens > 0, 'usage is reported');
    assert.ok(typeof answer.meta?.totalMs === 'number' && answer.meta.totalMs >= 0);
    assert.equal(up.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)?.authKey, keyA);
  });

  it("the status bar shows the focused chat's connection and model, and otherwise what new chats start on", async () => {
    const sb = switchboard();
    await sb.choice.setConnection(a.id);
    // In a text editor first: the pages of the tests before were used, so one of them is the chat in focus.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: 'in the code' }));
    try {
      await waitFor('no chat in focus', () => sb.chat.focus.host === undefined);
      await waitFor(
        "the status bar on the workspace's connection",
        () => sb.statusBar.text.includes(a.name) && sb.statusBar.tooltip.includes('the default for new chats'),
      );
      const p = await page();
      // The person chose B for this chat in its page: they are in this chat.
      await p.post({ type: 'selectConnection', connectionId: b.id });
      await waitFor(
        "the status bar on the chat's connection",
        () =>
          sb.statusBar.text.includes(b.name) &&
          sb.statusBar.tooltip.includes(`the connection of the chat "${p.host.current.title}"`),
      );
      await p.post({ type: 'selectModel', model: 'gpt-5.4-mini' });
      await waitFor("the status bar on the chat's model", () => sb.statusBar.text.includes(`${b.name} · gpt-5.4-mini`));
      assert.equal(sb.chat.focus.host, p.host);
      // Back in a text editor: the status bar speaks of new chats again.
      const doc = await vscode.workspace.openTextDocument({ content: 'back to the code' });
      await vscode.window.showTextDocument(doc);
      await waitFor(
        "the status bar back on the workspace's connection",
        () =>
          sb.statusBar.text.includes(a.name) &&
          !sb.statusBar.text.includes(b.name) &&
          sb.statusBar.tooltip.includes('the default for new chats'),
      );
      assert.equal(sb.chat.focus.host, undefined);
      await p.post({ type: 'selectModel', model: 'gpt-5.4-mini' });
      await waitFor('the chat focused again', () => sb.statusBar.text.includes(b.name));
      // A closed chat is no longer the one in focus.
      p.dispose();
      await waitFor('the status bar back on new chats once the chat is gone', () => sb.statusBar.text.includes(a.name));
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      await sb.choice.setConnection(undefined);
    }
  });

  it('persists the chat: stored in workspaceState, reopened with its connection and model', async () => {
    const p = await page();
    await p.post({ type: 'selectConnection', connectionId: b.id });
    await p.post({ type: 'selectModel', model: 'gpt-5.4-mini' });
    await p.send('Remember this chat');
    assert.equal((await p.settled()).status, 'done');
    const id = p.host.current.id;
    const { store } = switchboard().chat;
    await store.flush();

    // What a reloaded window reads: a fresh store over the same workspaceState.
    const reloaded = new ChatStore(store.memento).get(id);
    assert.ok(reloaded, 'the chat is in workspaceState');
    assert.equal(reloaded.connectionId, b.id);
    assert.equal(reloaded.model, 'gpt-5.4-mini');
    assert.deepEqual(
      reloaded.turns.map((t) => t.text),
      ['Remember this chat', 'Hello from mock'],
    );

    const other = await page();
    await other.post({ type: 'openChat', chatId: id });
    const shown = other.lastChat()!.chat;
    assert.equal(shown.connectionId, b.id);
    assert.equal(shown.model, 'gpt-5.4-mini');
  });

  it("keeps a connection per chat: each chat's request goes to its own connection", async () => {
    up.reset();
    const p = await page();
    await p.post({ type: 'selectConnection', connectionId: a.id });
    await p.send('to A');
    await p.settled();
    const chatA = p.host.current.id;
    await p.post({ type: 'newChat' });
    await p.post({ type: 'selectConnection', connectionId: b.id });
    await p.send('to B');
    await p.settled();
    await p.post({ type: 'openChat', chatId: chatA });
    await p.send('A again');
    await p.settled();
    const sent = up.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => [r.authKey, r.model]);
    assert.deepEqual(sent, [
      [keyA, 'gpt-5.4-mini'],
      [keyB, 'gpt-5.4'],
      [keyA, 'gpt-5.4-mini'],
    ]);
  });

  it('stop: the upstream is cut, the partial answer is kept and marked stopped', async () => {
    up.reset();
    const chunks = Array.from({ length: 60 }, (_, i) => `w${i} `);
    up.reply('slow-model', { chunks, chunkDelayMs: 100 });
    const p = await page();
    await p.post({ type: 'selectConnection', connectionId: a.id });
    await p.post({ type: 'selectModel', model: 'slow-model' });
    await p.send('Talk slowly');
    await waitFor('some text to stream', () => p.deltas().length > 0, 10_000);
    await p.post({ type: 'stop' });
    const answer = await p.settled(10_000);
    assert.equal(answer.status, 'stopped');
    assert.ok(answer.text.startsWith('w0 '), `the partial text is kept: "${answer.text}"`);
    assert.ok(answer.text.length < chunks.join('').length, 'it stopped before the end');
    assert.equal(answer.error, undefined);
    await up.waitFor((r) => r.model === 'slow-model' && r.aborted, 5000);
    assert.equal(switchboard().chat.runner.isBusy(p.host.current.id), false);
  });

  it('shows a rejected key as INVALID_API_KEY with "Replace key"', async () => {
    const p = await page();
    await p.post({ type: 'selectConnection', connectionId: bad.id });
    await p.send('Hello?');
    const answer = await p.settled();
    assert.equal(answer.status, 'error');
    assert.equal(answer.error?.code, 'INVALID_API_KEY', JSON.stringify(answer.error));
    assert.ok(answer.error?.actions.includes('replaceKey'));
    assert.ok(answer.error?.actions.includes('selectConnection'));
    assert.ok(answer.error?.hint, 'the error says what to do');
    assert.ok(!JSON.stringify(p.received).includes('sk-wrong-'), 'the key never reaches the page');
  });

  it('refuses a send on a deleted connection and keeps the input (rejected, not accepted)', async () => {
    const sb = switchboard();
    const { connection } = await sb.daemon.request(ConnectionsCreate, {
      name: `Chat gone ${stamp}`,
      provider: 'ollama',
      baseUrl: up.openaiBaseUrl,
    });
    await waitFor('it in the store', () => !!sb.connections.get(connection.id));
    const p = await page();
    await p.post({ type: 'selectConnection', connectionId: connection.id });
    await sb.daemon.request(ConnectionsDelete, { id: connection.id });
    await waitFor('it to leave the store', () => !sb.connections.get(connection.id));
    const answer = await p.send('anyone there?');
    assert.equal(answer.type, 'rejected');
    assert.equal(answer.type === 'rejected' && answer.error.code, 'CONNECTION_NOT_FOUND');
  });

  it('the sidebar view and an editor tab load the chat page (its script runs under the CSP and says ready)', async () => {
    const { view, panels } = switchboard().chat;
    await vscode.commands.executeCommand('switchboard.openChat');
    await waitFor('the sidebar page to say ready', () => view.host.pageReady, 20_000);
    const tab = panels.show();
    await waitFor('the tab page to say ready', () => tab.host.pageReady, 20_000);
    tab.panel.dispose();
    await waitFor('the tab to close', () => !panels.panels.includes(tab));
  });

  it("the chat has a view container of its own; a chat tab's title bar acts on that tab, the sidebar's on the sidebar", async () => {
    const { view, panels } = switchboard().chat;
    const contributed = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes;
    // The chat has a view container of its own: the whole side bar, not a share of it beside Connections.
    const container = Object.entries(contributed.views as Record<string, Array<{ id: string }>>).find(([, vs]) =>
      vs.some((v) => v.id === 'switchboard.chat'),
    );
    assert.deepEqual(
      container?.[1].map((v) => v.id),
      ['switchboard.chat'],
    );
    const tab = panels.show();
    await waitFor('the tab page to say ready', () => tab.host.pageReady, 20_000);
    await waitFor('the tab in front', () => tab.panel.active);
    const sidebarChat = view.host.current.id;
    const tabChat = tab.host.current.id;
    await vscode.commands.executeCommand('switchboard.chatTab.newChat');
    assert.notEqual(tab.host.current.id, tabChat, 'the tab shows a new chat');
    assert.equal(view.host.current.id, sidebarChat, 'the sidebar keeps its chat');
    await vscode.commands.executeCommand('switchboard.newChat');
    assert.notEqual(view.host.current.id, sidebarChat, "the sidebar's New Chat starts one there");
    tab.panel.dispose();
    await waitFor('the tab to close', () => !panels.panels.includes(tab));
  });

  it('"Ask About Selection" attaches the selection to the sidebar chat; the editor tab opens the chat', async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: 'typescript',
      content: 'const a = 1;\nconst b = 2;\nconst c = 3;\n',
    });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 0, 2, 12);
    const { view, panels } = switchboard().chat;
    await vscode.commands.executeCommand('switchboard.askAboutSelection');
    const added = view.host.pendingAttachments.at(-1);
    assert.ok(added, 'an attachment was added');
    assert.equal(added.kind, 'selection');
    assert.match(added.label, /:2-3$/);
    assert.equal(added.text, 'const b = 2;\nconst c = 3;');

    const tabs = panels.panels.length;
    const id = await vscode.commands.executeCommand<string>('switchboard.openChatInEditor');
    assert.equal(panels.panels.length, tabs + 1);
    assert.equal(id, panels.panels.at(-1)!.host.current.id);
    panels.panels.at(-1)!.panel.dispose();
    await waitFor('the tab to close', () => panels.panels.length === tabs);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
