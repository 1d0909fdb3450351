/**
 * The chat's context in a real VS Code (#17 items 5 and 8), against the real daemon and a mock
 * OpenAI upstream: `@`-mentions searched and gathered by the running extension (workspace file
 * search, a symbol provider, diagnostics, a terminal's shell-integration output), slash commands
 * with the editor's selection, `/ask` to another connection, images as image parts to a model whose
 * facts say it takes images (refused for one that takes none), and the walkthrough's contributions.
 * A page stand-in drives a ChatHost of the running extension; the mock's log shows what was sent.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { ConnectionsCreate, ConnectionsDelete, type Connection } from '../../../shared/protocol';
import type { ChatMention, ChatToHost, ChatTurn, HostToChat } from '../../../shared/webview';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { EXTENSION_ID, switchboard, waitFor } from './setup';

type Assistant = Extract<ChatTurn, { role: 'assistant' }>;
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

class Page {
  readonly received: HostToChat[] = [];
  private readonly attached = switchboard().chat.createHost({
    post: (m) => void this.received.push(structuredClone(m)),
  });
  private nextRequest = 1;
  get host() {
    return this.attached.host;
  }
  post(message: ChatToHost): Promise<void> {
    return this.host.handle(message);
  }
  async mentions(query: string): Promise<ChatMention[]> {
    const requestId = this.nextRequest++;
    await this.post({ type: 'mentionQuery', requestId, query });
    const answer = this.received.find((m) => m.type === 'mentions' && m.requestId === requestId);
    assert.ok(answer && answer.type === 'mentions', 'a mention query is answered');
    return answer.items;
  }
  async send(text: string): Promise<HostToChat> {
    const requestId = this.nextRequest++;
    await this.post({ type: 'send', requestId, text });
    const answer = this.received.find(
      (m) => (m.type === 'accepted' || m.type === 'rejected') && m.requestId === requestId,
    );
    assert.ok(answer, 'send is answered');
    return answer;
  }
  async settled(): Promise<Assistant> {
    await waitFor('the answer to settle', () => {
      const last = this.host.current.turns.at(-1);
      return (
        last?.role === 'assistant' &&
        last.status !== 'streaming' &&
        !switchboard().chat.runner.isBusy(this.host.current.id)
      );
    });
    return this.host.current.turns.at(-1) as Assistant;
  }
  dispose(): void {
    this.attached.dispose();
  }
}

describe('chat context', () => {
  const stamp = randomBytes(4).toString('hex');
  const keyA = `sk-ctx-a-${randomBytes(8).toString('hex')}`;
  const keyB = `sk-ctx-b-${randomBytes(8).toString('hex')}`;
  const created: string[] = [];
  const pages: Page[] = [];
  const disposables: vscode.Disposable[] = [];
  let up: MockUpstream;
  let vision: Connection;
  let other: Connection;
  let folder: vscode.Uri;
  let fileUri: vscode.Uri;

  const page = async (connectionId?: string): Promise<Page> => {
    const p = new Page();
    pages.push(p);
    await p.post({ type: 'ready' });
    if (connectionId) await p.post({ type: 'selectConnection', connectionId });
    return p;
  };
  const lastChatRequest = () => up.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;

  before(async () => {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(root, 'the test window has a workspace folder');
    folder = vscode.Uri.joinPath(root, `ctx-${stamp}`);
    fileUri = vscode.Uri.joinPath(folder, `Billing-${stamp}.ts`);
    const source = [
      'export function computeTotal(items: number[]): number {',
      '  return items.reduce((a, b) => a + b, 0);',
      '}',
      `export const marker = 'file-${stamp}';`,
      '',
    ].join('\n');
    await vscode.workspace.fs.writeFile(fileUri, Buffer.from(source));

    up = await startMockUpstream({ validKeys: [keyA, keyB], models: ['gpt-4o', 'gpt-3.5-turbo'] });
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
    vision = await make(`Ctx Vision ${stamp}`, 'gpt-4o', keyA);
    other = await make(`Ctx Other ${stamp}`, 'gpt-3.5-turbo', keyB);
    await waitFor("the connections in the window's store", () =>
      [vision, other].every((c) => !!sb.connections.get(c.id)),
    );
  });

  after(async () => {
    for (const p of pages) p.dispose();
    for (const d of disposables) d.dispose();
    const sb = switchboard();
    for (const id of created) {
      await sb.daemon.request(ConnectionsDelete, { id }).catch(() => undefined);
      await sb.keys.delete(id).catch(() => undefined);
    }
    await up?.close();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (folder) await Promise.resolve(vscode.workspace.fs.delete(folder, { recursive: true })).catch(() => undefined);
  });

  it('@file: finds a workspace file by part of its name in any case, attaches it as a chip, and the model gets its text', async () => {
    const p = await page(vision.id);
    let file: ChatMention | undefined;
    await waitFor('the file search to find the new file', async () => {
      file = (await p.mentions(`billing-${stamp}`)).find((m) => m.kind === 'file');
      return file !== undefined;
    });
    assert.equal(file!.label, `Billing-${stamp}.ts`);
    assert.equal(file!.detail, `ctx-${stamp}/Billing-${stamp}.ts`);
    await p.post({ type: 'addMention', mention: file! });
    const chip = p.host.pendingAttachments.at(-1);
    assert.equal(chip?.kind, 'file');
    assert.deepEqual(p.received.filter((m) => m.type === 'attachments').at(-1), {
      type: 'attachments',
      attachments: [chip],
    });
    assert.equal((await p.send('What does it do?')).type, 'accepted');
    assert.equal((await p.settled()).status, 'done');
    const sent = JSON.stringify(lastChatRequest().body.messages);
    assert.ok(sent.includes(`file-${stamp}`), "the file's text reached the model");
    assert.ok(sent.includes(`File \`ctx-${stamp}/Billing-${stamp}.ts\``), 'named by its workspace path');
  });

  it('@selection, @problems and @symbol: the suggestions say what each would attach, and attach it', async () => {
    const doc = await vscode.workspace.openTextDocument(fileUri);
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 0, 1, 44);
    const diagnostics = vscode.languages.createDiagnosticCollection(`ctx-${stamp}`);
    disposables.push(diagnostics);
    diagnostics.set(fileUri, [
      new vscode.Diagnostic(
        new vscode.Range(1, 9, 1, 14),
        `Problem ${stamp}: items may be undefined.`,
        vscode.DiagnosticSeverity.Error,
      ),
    ]);
    disposables.push(
      vscode.languages.registerWorkspaceSymbolProvider({
        provideWorkspaceSymbols: (query) =>
          `computeTotal${stamp}`.toLowerCase().includes(query.toLowerCase())
            ? [
                new vscode.SymbolInformation(
                  `computeTotal${stamp}`,
                  vscode.SymbolKind.Function,
                  'Billing',
                  new vscode.Location(fileUri, new vscode.Range(0, 0, 2, 1)),
                ),
              ]
            : [],
      }),
    );

    const p = await page(vision.id);
    const all = await p.mentions('');
    assert.deepEqual(
      all.slice(0, 3).map((m) => m.kind),
      ['selection', 'problems', 'terminal'],
    );
    assert.equal(all[0]!.detail, `ctx-${stamp}/Billing-${stamp}.ts:2-2`);
    assert.match(all[1]!.detail ?? '', /^[1-9]\d* errors/);

    await p.post({ type: 'addMention', mention: all[0]! });
    assert.equal(p.host.pendingAttachments.at(-1)?.text, '  return items.reduce((a, b) => a + b, 0);');

    await p.post({ type: 'addMention', mention: all[1]! });
    const problems = p.host.pendingAttachments.at(-1)!;
    assert.equal(problems.kind, 'problems');
    assert.ok(
      problems.text.includes(`ctx-${stamp}/Billing-${stamp}.ts:2:10 error Problem ${stamp}: items may be undefined.`),
      problems.text,
    );

    const symbol = (await p.mentions(`computeTotal${stamp}`)).find((m) => m.kind === 'symbol');
    assert.ok(symbol, "the symbol provider's symbol is offered");
    await p.post({ type: 'addMention', mention: symbol });
    const code = p.host.pendingAttachments.at(-1)!;
    assert.equal(code.kind, 'symbol');
    assert.equal(code.label, `computeTotal${stamp} (Billing-${stamp}.ts:1-3)`);
    assert.ok(code.text.startsWith('export function computeTotal') && code.text.endsWith('}'), code.text);
  });

  it("@terminal: a command's output in a terminal with shell integration; otherwise a refusal that says what is possible", async () => {
    const terminal = vscode.window.createTerminal({ name: `ctx-${stamp}` });
    disposables.push(terminal);
    terminal.show();
    const p = await page(vision.id);
    const integrated = await waitFor('shell integration', () => terminal.shellIntegration !== undefined, 15_000).then(
      () => true,
      () => false,
    );
    if (integrated) {
      terminal.shellIntegration!.executeCommand(`echo term-${stamp}`);
      // Until the output arrives, the mention is refused (a warning) and nothing is attached.
      await waitFor("the command's output to be recorded", async () => {
        await p.post({ type: 'addMention', mention: { kind: 'terminal', label: 'terminal' } });
        return p.host.pendingAttachments.some((a) => a.kind === 'terminal' && a.text.includes(`term-${stamp}`));
      });
      const att = p.host.pendingAttachments.find((a) => a.kind === 'terminal')!;
      assert.equal(att.label, `Terminal: ctx-${stamp}`);
      assert.ok(att.text.includes(`$ echo term-${stamp}`), att.text);
    } else {
      // This VS Code (or shell) gives no shell integration: the mention is refused with a warning
      // saying what to do (its words are unit-tested in contextAttachments.test.ts).
      await p.post({ type: 'addMention', mention: { kind: 'terminal', label: 'terminal' } });
      assert.equal(p.host.pendingAttachments.filter((a) => a.kind === 'terminal').length, 0);
    }
  });

  it("/explain works on the editor's selection; /ask sends one message to another connection", async () => {
    const doc = await vscode.workspace.openTextDocument(fileUri);
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 3, 0);
    const p = await page(vision.id);
    assert.equal((await p.send('/explain')).type, 'accepted');
    await p.settled();
    const explained = lastChatRequest();
    assert.equal(explained.authKey, keyA);
    const text = JSON.stringify(explained.body.messages);
    assert.ok(text.includes('Explain what this code does'), text);
    assert.ok(text.includes('export function computeTotal'), 'the selection was sent');

    assert.equal((await p.send(`/ask Ctx Other ${stamp} second opinion?`)).type, 'accepted');
    const answer = await p.settled();
    assert.equal(lastChatRequest().authKey, keyB);
    assert.equal(lastChatRequest().model, 'gpt-3.5-turbo');
    assert.equal(answer.meta?.connectionId, other.id);
    assert.equal(p.host.current.connectionId, vision.id, 'the chat keeps its own connection');
  });

  it('images: sent as an image part to a model whose facts say it takes images, refused with what to do for one that takes none', async () => {
    const p = await page(vision.id);
    await p.post({ type: 'addImage', name: 'dot.png', mediaType: 'image/png', data: PNG });
    assert.equal((await p.send('What colour is this?')).type, 'accepted');
    assert.equal((await p.settled()).status, 'done');
    const parts = lastChatRequest().body.messages.at(-1).content;
    assert.ok(Array.isArray(parts), JSON.stringify(parts));
    const image = parts.find((c: { type: string }) => c.type === 'image_url');
    assert.equal(image?.image_url?.url, `data:image/png;base64,${PNG}`);

    const q = await page(other.id);
    await q.post({ type: 'addImage', name: 'dot.png', mediaType: 'image/png', data: PNG });
    const before = up.requests.length;
    const refused = await q.send('And this?');
    assert.equal(refused.type, 'rejected');
    assert.equal(
      refused.type === 'rejected' && refused.error.message,
      `gpt-3.5-turbo (Ctx Other ${stamp}) does not accept images, so the image cannot be sent.`,
    );
    assert.equal(
      up.requests.filter((r) => r.path === '/v1/chat/completions').length,
      up.requests.slice(0, before).filter((r) => r.path === '/v1/chat/completions').length,
    );
    assert.equal(q.host.pendingAttachments.length, 1, 'the image stays for the person to remove');
  });

  it("onboarding: the walkthrough's steps run registered commands and complete on real events; Get Started opens it", async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const [walkthrough] = pkg.contributes.walkthroughs;
    assert.deepEqual(
      walkthrough.steps.map((s: { id: string }) => s.id),
      ['add', 'test', 'chat', 'usage'],
    );
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const step of walkthrough.steps) {
      const commands = [...String(step.description).matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]!);
      assert.ok(commands.length > 0, `step ${step.id} has a button`);
      for (const c of commands) assert.ok(registered.has(c), `${c} (step ${step.id}) is registered`);
      assert.ok(step.completionEvents.length > 0, `step ${step.id} completes on an event`);
    }
    await vscode.commands.executeCommand('switchboard.openWalkthrough');
  });
});
