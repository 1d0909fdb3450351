/** Palette commands driven with arguments (no quick pick), and the views following the daemon's events. */
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { SwitchboardClient } from '../../../shared/client';
import { ConnectionsCreate, ConnectionsDelete, type Connection, type TestResult } from '../../../shared/protocol';
import { switchboard, testHome, waitFor } from './setup';

/** A tiny OpenAI-compatible upstream: enough for `connections/test` (models list). */
function mockUpstream(): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/v1/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: [{ id: 'mock-model', object: 'model', created: 1700000000, owned_by: 'test' }],
        }),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` }),
    ),
  );
}

describe('commands', () => {
  const created: string[] = [];
  let a: Connection;
  let b: Connection;
  let upstream: { server: Server; baseUrl: string };

  before(async () => {
    upstream = await mockUpstream();
    const sb = switchboard();
    const stamp = Date.now();
    const make = async (name: string, model: string) => {
      const { connection } = await sb.daemon.request(ConnectionsCreate, {
        name,
        provider: 'openai',
        baseUrl: upstream.baseUrl,
        defaultModel: model,
        keySource: 'memory',
        apiKey: `sk-cmd-${stamp}-${model}`,
      });
      await sb.keys.store(connection.id, `sk-cmd-${stamp}-${model}`);
      created.push(connection.id);
      return connection;
    };
    a = await make(`Cmd A ${stamp}`, 'mock-model');
    b = await make(`Cmd B ${stamp}`, 'other-model');
  });

  after(async () => {
    const sb = switchboard();
    for (const id of created) {
      await sb.daemon.request(ConnectionsDelete, { id }).catch(() => undefined);
      await sb.keys.delete(id).catch(() => undefined);
    }
    await sb.choice.clear();
    upstream?.server.close();
  });

  it('the connection store (and so the tree) lists connections created here', async () => {
    await waitFor(
      'both connections in the store',
      () => !!switchboard().connections.get(a.id) && !!switchboard().connections.get(b.id),
    );
  });

  it('"Set Default Connection" makes it the one default; the store follows', async () => {
    await vscode.commands.executeCommand('switchboard.setDefaultConnection', b.id);
    await waitFor('b to be the default in the store', () => switchboard().connections.get(b.id)?.isDefault === true);
    assert.equal(switchboard().connections.connections.filter((c) => c.isDefault).length, 1);
    assert.equal(switchboard().connections.connections[0]!.id, b.id, 'the default is listed first');
  });

  it('"Select Connection" applies to the workspace and shows in the status bar', async () => {
    const sb = switchboard();
    await vscode.commands.executeCommand('switchboard.selectConnection', a.id);
    assert.equal(sb.choice.connectionId, a.id);
    await waitFor(
      'the status bar to show the chosen connection and its model',
      () => sb.statusBar.text.includes(a.name) && sb.statusBar.text.includes('mock-model'),
    );
  });

  it('"Select Model" sets the workspace model of the connection in use', async () => {
    const sb = switchboard();
    await vscode.commands.executeCommand('switchboard.selectModel', 'gpt-custom');
    assert.equal(sb.choice.model, 'gpt-custom');
    assert.equal(sb.choice.connectionId, a.id);
    await waitFor('the status bar to show the model', () => sb.statusBar.text.includes('gpt-custom'));
    await vscode.commands.executeCommand('switchboard.selectModel', '');
    assert.equal(sb.choice.model, undefined);
  });

  it('"Test Connection" tests through the daemon and the status icon follows', async () => {
    const result = await vscode.commands.executeCommand<TestResult | undefined>('switchboard.testConnection', a.id);
    assert.ok(result, 'the command returns the test result');
    assert.notEqual(
      result.status,
      'error',
      `${result.summary}: ${result.stages.map((s) => `${s.name}=${s.status} ${s.reason}`).join('; ')}`,
    );
    await waitFor(
      'the store to hold the result',
      () => switchboard().connections.get(a.id)?.lastTest?.testedAt === result.testedAt,
    );
  });

  it('"Show Audit Log" opens the log read-only, for all connections or for one, with its tests in words', async () => {
    await vscode.commands.executeCommand('switchboard.showAuditLog', { connectionId: a.id });
    const one = vscode.window.activeTextEditor?.document;
    assert.equal(one?.uri.scheme, 'switchboard-audit');
    const text = one!.getText();
    assert.match(text, new RegExp(`^Switchboard audit log: ${a.name}`));
    assert.match(text, new RegExp(`Tested: ${a.name}\\n    by [^\\n]+\\n    passed[^\\n]* \\(by hand\\)`));
    assert.ok(!text.includes(b.name), 'only the connection asked for');
    assert.ok(!text.includes('sk-cmd-'), 'never a key');
    await vscode.commands.executeCommand('switchboard.showAuditLog');
    const all = vscode.window.activeTextEditor!.document.getText();
    assert.match(all, /^Switchboard audit log: all connections/);
    assert.ok(all.includes(`Created: ${b.name}`));
  });

  it('"Test All Connections" tests each one', async () => {
    const results = await vscode.commands.executeCommand<Map<string, unknown>>('switchboard.testAllConnections');
    assert.ok(results instanceof Map);
    assert.ok(results.has(a.id) && results.has(b.id));
  });

  it('follows changes made by another client (two windows stay in sync)', async () => {
    const other = await SwitchboardClient.connect({ home: testHome(), clientName: 'exthost-test' });
    try {
      const { connection } = await other.request(ConnectionsCreate, {
        name: `From elsewhere ${Date.now()}`,
        provider: 'ollama',
      });
      created.push(connection.id);
      await waitFor('the new connection in the store', () => !!switchboard().connections.get(connection.id));
      await other.request(ConnectionsDelete, { id: connection.id });
      await waitFor('it to leave the store', () => !switchboard().connections.get(connection.id));
    } finally {
      await other.close();
    }
  });

  it('forgets the workspace choice when its connection is deleted', async () => {
    const sb = switchboard();
    await vscode.commands.executeCommand('switchboard.selectConnection', b.id);
    assert.equal(sb.choice.connectionId, b.id);
    await sb.daemon.request(ConnectionsDelete, { id: b.id });
    await waitFor('the choice to be cleared', () => sb.choice.connectionId === undefined);
  });
});
