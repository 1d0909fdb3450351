/**
 * Issue 13 items 1, 5 and 6 end to end through the built CLI and the daemon it starts.
 * Item 1: a connection name shaped like an id is refused where it is entered, and a connection
 * stored with such a name before (written into db.json, as an older daemon could have) can never
 * make `connections remove` delete another connection: the CLI refuses the ambiguous text, names
 * both, and says what it matched. Items 5 and 6: keys, header values and model ids that cannot go on
 * the wire are refused with a usage error naming the flag, before anything is stored or sent.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionsCreate, ConnectionsUpdate } from '../../../shared/protocol';
import { SwitchboardClient } from '../../../shared/client';
import { ensureBuilt, runCli, stopAndRemove, tempDir } from '../../daemon/cli/cliHarness';
import { EXIT } from '../../../daemon/cli/exitCodes';

let home: string;
const cli = (args: string[], opts?: Parameters<typeof runCli>[2]) => runCli(home, args, { timeoutMs: 60_000, ...opts });
let work: { id: string; name: string };

const names = async () =>
  (await cli(['connections', 'list', '--json']))
    .json()
    .connections.map((c: { name: string }) => c.name)
    .sort();

beforeAll(async () => {
  ensureBuilt();
  home = tempDir('sb-refs-');
  const added = await cli(['connections', 'add', '--name', 'work', '--provider', 'ollama', '--no-key', '--json']);
  expect(added.code, added.stderr).toBe(0);
  work = added.json().connection;
}, 120_000);

afterAll(async () => {
  if (home) await stopAndRemove(home);
});

describe('names shaped like ids', () => {
  it('refuses `connections add --name <an id>` with a VALIDATION error naming name, creating nothing', async () => {
    const r = await cli(['connections', 'add', '--name', work.id, '--provider', 'ollama', '--no-key', '--json']);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.json().error).toMatchObject({ code: 'VALIDATION' });
    expect(r.json().error.message).toMatch(/^name: .*look like a connection id/);
    expect(await names()).toEqual(['work']);
  });

  it('refuses any conn_+hex name over RPC too, on create and on rename', async () => {
    const client = await SwitchboardClient.connect({ home, clientName: 'refs-test' });
    try {
      await expect(client.request(ConnectionsCreate, { name: 'CONN_00ff', provider: 'ollama' })).rejects.toMatchObject({
        code: 'VALIDATION',
        data: { field: 'name' },
      });
      await expect(client.request(ConnectionsUpdate, { id: work.id, name: 'conn_123abc' })).rejects.toMatchObject({
        code: 'VALIDATION',
        data: { field: 'name' },
      });
    } finally {
      await client.close();
    }
    expect(await names()).toEqual(['work']);
  });
});

describe('a connection stored with an id-shaped name', () => {
  let legacy: { id: string; name: string };

  beforeAll(async () => {
    const added = await cli([
      'connections',
      'add',
      '--name',
      'soon-legacy',
      '--provider',
      'ollama',
      '--no-key',
      '--json',
    ]);
    legacy = added.json().connection;
    // What an older daemon accepted: stop this one, give the second connection work's id as its name.
    expect((await cli(['daemon', 'stop'])).code).toBe(0);
    const file = join(home, 'db.json');
    const db = JSON.parse(readFileSync(file, 'utf8'));
    db.connections.find((c: { id: string }) => c.id === legacy.id).name = work.id;
    writeFileSync(file, JSON.stringify(db), { mode: 0o600 });
    legacy = { ...legacy, name: work.id };
  }, 120_000);

  it('is not deleted, nor is "work", by `connections remove <work\'s id>`: the text names neither', async () => {
    const r = await cli(['connections', 'remove', work.id, '--yes', '--json']);
    expect(r.code).toBe(EXIT.USAGE);
    const { error } = r.json();
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toContain(`the id of connection "work"`);
    expect(error.hint).toContain(legacy.id);
    expect(await names()).toEqual([work.id, 'work'].sort());
  });

  it('can still be edited and removed by its own id, and the CLI says the id matched', async () => {
    const edited = await cli(['connections', 'edit', legacy.id, '--timeout-ms', '30000', '--json']);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.json().connection.name).toBe(work.id);
    const r = await cli(['connections', 'remove', legacy.id, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Removed ${work.id} (${legacy.id}, matched by id)`);
    expect(await names()).toEqual(['work']);
  });

  it('says a name matched when one did', async () => {
    const again = await cli(['connections', 'add', '--name', 'spare', '--provider', 'ollama', '--no-key']);
    expect(again.code, again.stderr).toBe(0);
    const r = await cli(['connections', 'remove', 'SPARE', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Removed spare \(conn_[0-9a-f]+, matched by name\)/);
  });
});

describe('values that cannot go on the wire, typed into the CLI', () => {
  it('refuses a header value outside Latin-1, naming --header', async () => {
    const r = await cli([
      'connections',
      'add',
      '--name',
      'hdr',
      '--provider',
      'ollama',
      '--no-key',
      '--header',
      'X-V=✓ok',
    ]);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toContain('headers.X-V');
    expect(r.stderr).toContain('"✓" (U+2713)');
    expect(r.stderr).toContain('--header');
    expect(await names()).toEqual(['work']);
  });

  it('refuses a key outside Latin-1 from stdin, naming the key, and keeps the old one', async () => {
    const r = await cli(['key', 'set', 'work'], { input: 'sk-ключ-123\n' });
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).toContain('apiKey');
    expect(r.stderr).toContain('"к" (U+043A)');
    expect(r.stderr).not.toContain('sk-ключ-123');
    const { connection } = (await cli(['connections', 'show', 'work', '--json'])).json();
    expect(connection.keySource).toBe('none');
  });

  it('refuses a model with a tab in --model, and one with a newline in chat -m', async () => {
    const add = await cli([
      'connections',
      'add',
      '--name',
      'tabbed',
      '--provider',
      'ollama',
      '--no-key',
      '--model',
      'llama3.2\t',
    ]);
    expect(add.code).toBe(EXIT.USAGE);
    expect(add.stderr).toMatch(/defaultModel: must not contain tabs/);
    const chat = await cli(['chat', '-c', 'work', '-m', 'llama3.2\nmini', 'hi']);
    expect(chat.code).toBe(EXIT.USAGE);
    expect(chat.stderr).toMatch(/model: must not contain tabs, line breaks/);
    expect(await names()).toEqual(['work']);
  });
});
