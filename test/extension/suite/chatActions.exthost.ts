/**
 * The chat's code-block and message actions in a real VS Code (#17 items 6 and 7): "Apply to file"
 * opens VS Code's diff editor against the file an answer names (or the active editor's selection) and
 * Accept applies it through a WorkspaceEdit, Reject leaves the file alone; paths outside the workspace
 * are refused; "Run in terminal" runs only after the confirmation; reasoning and tool calls streamed
 * by the real daemon from a mock upstream reach the chat's turn.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { ConnectionsCreate, ConnectionsDelete, type Connection } from '../../../shared/protocol';
import type { ChatToHost, ChatTurn, HostToChat } from '../../../shared/webview';
import { CodeActionError, PROPOSAL_SCHEME, resolveAnswerPath } from '../../../extension/chat/codeProposals';
import { runInTerminal, TERMINAL_NAME } from '../../../extension/chat/terminalRun';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { switchboard, waitFor } from './setup';

type Assistant = Extract<ChatTurn, { role: 'assistant' }>;

/** Stands in for the webview, as in chat.exthost.ts. */
class Page {
  readonly received: HostToChat[] = [];
  private readonly attached = switchboard().chat.createHost({
    post: (m) => void this.received.push(structuredClone(m)),
  });
  get host() {
    return this.attached.host;
  }
  post(message: ChatToHost): Promise<void> {
    return this.host.handle(message);
  }
  lastAnswer(): Assistant | undefined {
    const chat = this.received.filter((m): m is Extract<HostToChat, { type: 'chat' }> => m.type === 'chat').at(-1);
    const last = chat?.chat.turns.at(-1);
    return last?.role === 'assistant' && !chat!.busy && last.status !== 'streaming' ? last : undefined;
  }
  dispose(): void {
    this.attached.dispose();
  }
}

/** The open diff tabs of proposed changes. */
function proposalTabs(): Array<{ tab: vscode.Tab; input: vscode.TabInputTextDiff }> {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .flatMap((tab) =>
      tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === PROPOSAL_SCHEME
        ? [{ tab, input: tab.input }]
        : [],
    );
}

async function text(uri: vscode.Uri): Promise<string> {
  return (await vscode.workspace.openTextDocument(uri)).getText();
}

describe('chat actions', () => {
  const pages: Page[] = [];
  let folder: vscode.Uri;
  let dir: string;

  const page = async (): Promise<Page> => {
    const p = new Page();
    pages.push(p);
    await p.post({ type: 'ready' });
    return p;
  };

  before(function () {
    const ws = vscode.workspace.workspaceFolders?.[0];
    if (!ws) this.skip();
    // A folder of this run's own inside the workspace: the files the tests write go away with it.
    const name = `chat-actions-${randomBytes(4).toString('hex')}`;
    folder = vscode.Uri.joinPath(ws!.uri, name);
    dir = name;
  });

  after(async () => {
    for (const p of pages) p.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (folder)
      await vscode.workspace.fs.delete(folder, { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  it('Apply to file: a diff against the named file; Accept applies it through an edit and closes the diff', async () => {
    const file = vscode.Uri.joinPath(folder, 'app.ts');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('export const a = 1;\n'));
    const p = await page();
    await p.post({ type: 'applyCode', code: 'export const a = 2;', path: `${dir}/app.ts`, language: 'ts' });
    await waitFor('the diff to open', () => proposalTabs().length === 1);
    const { input } = proposalTabs()[0]!;
    assert.equal(input.original.toString(), file.toString(), 'the left side is the file itself');
    assert.equal(
      await text(input.modified),
      'export const a = 2;\n',
      'the right side is the file with the block (ending as the file ended)',
    );
    assert.equal(await text(file), 'export const a = 1;\n', 'nothing changes before Accept');
    await vscode.commands.executeCommand('switchboard.acceptProposal', input.modified);
    assert.equal(await text(file), 'export const a = 2;\n');
    await waitFor('the diff to close', () => proposalTabs().length === 0);
    assert.deepEqual(switchboard().chat.proposals.pending, []);
  });

  it('Reject leaves the file as it was; a file changed after the diff opened is not overwritten', async () => {
    const file = vscode.Uri.joinPath(folder, 'keep.ts');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('keep\n'));
    const p = await page();
    await p.post({ type: 'applyCode', code: 'replaced', path: `./${dir}/keep.ts` });
    await waitFor('the diff to open', () => proposalTabs().length === 1);
    await vscode.commands.executeCommand('switchboard.rejectProposal', proposalTabs()[0]!.input.modified);
    await waitFor('the diff to close', () => proposalTabs().length === 0);
    assert.equal(await text(file), 'keep\n');

    await p.post({ type: 'applyCode', code: 'replaced', path: `${dir}/keep.ts` });
    await waitFor('the diff to open', () => proposalTabs().length === 1);
    const doc = await vscode.workspace.openTextDocument(file);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(file, new vscode.Position(0, 0), 'newer ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await vscode.commands.executeCommand('switchboard.acceptProposal', proposalTabs()[0]!.input.modified);
    assert.equal(doc.getText(), 'newer keep\n', 'the newer text stays');
    assert.equal(proposalTabs().length, 1, 'the diff stays open to be rejected or applied again');
    await vscode.commands.executeCommand('switchboard.rejectProposal', proposalTabs()[0]!.input.modified);
    await waitFor('the diff to close', () => proposalTabs().length === 0);
  });

  it('Apply to a file that does not exist yet: Accept creates it', async () => {
    const file = vscode.Uri.joinPath(folder, 'new', 'made.py');
    const p = await page();
    await p.post({ type: 'applyCode', code: 'print("made")\n', path: `${dir}/new/made.py` });
    await waitFor('the diff to open', () => proposalTabs().length === 1);
    assert.equal(proposalTabs()[0]!.input.original.scheme, PROPOSAL_SCHEME, 'the left side is empty');
    assert.ok(!existsSync(file.fsPath), 'nothing is created before Accept');
    await vscode.commands.executeCommand('switchboard.acceptProposal');
    assert.equal(readFileSync(file.fsPath, 'utf8'), 'print("made")\n');
    await waitFor('the diff to close', () => proposalTabs().length === 0);
  });

  it('Apply without a path: replaces the selection of the active editor', async () => {
    const file = vscode.Uri.joinPath(folder, 'sel.js');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('one\ntwo\nthree\n'));
    const editor = await vscode.window.showTextDocument(file);
    editor.selection = new vscode.Selection(1, 0, 1, 3);
    const p = await page();
    await p.post({ type: 'applyCode', code: 'TWO' });
    await waitFor('the diff to open', () => proposalTabs().length === 1);
    assert.equal(await text(proposalTabs()[0]!.input.modified), 'one\nTWO\nthree\n');
    await vscode.commands.executeCommand('switchboard.acceptProposal');
    assert.equal(await text(file), 'one\nTWO\nthree\n');
  });

  it('refuses paths outside the workspace folders, and opens no diff for them', async () => {
    for (const bad of ['../outside.ts', `${dir}/../../outside.ts`, path.join(os.tmpdir(), 'outside.ts')]) {
      await assert.rejects(resolveAnswerPath(bad), CodeActionError, bad);
    }
    const p = await page();
    await p.post({ type: 'applyCode', code: 'x', path: '../outside.ts' });
    assert.equal(proposalTabs().length, 0);
  });

  it('New file opens the code in an untitled editor', async () => {
    const p = await page();
    await p.post({ type: 'newFile', code: 'fn main() {}', language: 'rs' });
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document.isUntitled);
    assert.equal(editor.document.getText(), 'fn main() {}');
    assert.equal(editor.document.languageId, 'rust');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Run in terminal runs the command only after the confirmation says Run', async function () {
    if (process.platform === 'win32') this.skip();
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'sb-run-'));
    try {
      const declined = path.join(tmp, 'declined');
      const ran = path.join(tmp, 'ran');
      const asked: string[] = [];
      assert.equal(await runInTerminal(`echo no > '${declined}'`, async (c) => (asked.push(c), false)), false);
      assert.equal(await runInTerminal(`echo yes > '${ran}'\n`, async (c) => (asked.push(c), true)), true);
      assert.deepEqual(
        asked,
        [`echo no > '${declined}'`, `echo yes > '${ran}'`],
        'the confirmation shows the exact command',
      );
      await waitFor(
        'the command to run in the terminal',
        () => existsSync(ran) && readFileSync(ran, 'utf8').trim() === 'yes',
        30_000,
      );
      assert.ok(!existsSync(declined));
      assert.ok(vscode.window.terminals.some((t) => t.name === TERMINAL_NAME));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('chat: reasoning and tool calls from the daemon', () => {
  const key = `sk-chat-r-${randomBytes(8).toString('hex')}`;
  let up: MockUpstream;
  let conn: Connection;
  const pages: Page[] = [];

  before(async () => {
    up = await startMockUpstream({ validKeys: [key] });
    const sb = switchboard();
    ({ connection: conn } = await sb.daemon.request(ConnectionsCreate, {
      name: `Reasoner ${Date.now()}`,
      provider: 'openai',
      baseUrl: up.openaiBaseUrl,
      defaultModel: 'thinker',
      keySource: 'memory',
      apiKey: key,
    }));
    await sb.keys.store(conn.id, key);
    await waitFor("the connection in the window's store", () => !!sb.connections.get(conn.id));
  });

  after(async () => {
    for (const p of pages) p.dispose();
    await switchboard()
      .daemon.request(ConnectionsDelete, { id: conn.id })
      .catch(() => undefined);
    await switchboard()
      .keys.delete(conn.id)
      .catch(() => undefined);
    await up?.close();
  });

  it('streams reasoning and a tool call into the turn, and regenerates beside the first answer', async () => {
    up.reply('thinker', {
      thinking: ['Weighing ', 'the options.'],
      chunks: ['Use ', 'the weather tool.'],
      toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
    });
    const p = new Page();
    pages.push(p);
    await p.post({ type: 'ready' });
    await p.post({ type: 'selectConnection', connectionId: conn.id });
    await p.post({ type: 'send', requestId: 1, text: 'Weather in Oslo?' });
    await waitFor('the answer', () => !!p.lastAnswer());
    const first = p.lastAnswer()!;
    assert.equal(first.status, 'done', JSON.stringify(first.error));
    assert.equal(first.text, 'Use the weather tool.');
    assert.equal(first.reasoning, 'Weighing the options.');
    assert.deepEqual(first.toolCalls, [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }]);
    const reasoningDeltas = p.received
      .flatMap((m) => (m.type === 'delta' && m.reasoning ? [m.reasoning] : []))
      .join('');
    assert.equal(reasoningDeltas, 'Weighing the options.', 'reasoning streams to the page as it comes');

    up.reply('thinker', { chunks: ['Second ', 'answer.'] });
    const before = p.received.length;
    await p.post({ type: 'regenerate', turnId: first.id });
    await waitFor(
      'the second answer',
      () => p.received.length > before && !!p.lastAnswer() && p.lastAnswer()!.id !== first.id,
    );
    const turns = p.host.current.turns;
    assert.deepEqual(
      turns.map((t) => (t.role === 'user' ? 'user' : `${t.alternate ? 'alt' : 'chosen'}:${t.text}`)),
      ['user', 'alt:Use the weather tool.', 'chosen:Second answer.'],
    );
  });
});
