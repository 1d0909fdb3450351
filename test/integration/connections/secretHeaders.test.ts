/**
 * Secret header values over the wire, on the real daemon: what a client sees (the mask, the names),
 * what an update with the mask does, the errors for a mask with nothing behind it or a bad
 * `secretHeaders`, the events another client receives, and the CLI (`--header` unchanged,
 * `connections show` printing the mask). The leak scan over all of it is test/integration/canary.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SwitchboardClient } from '../../../shared/client';
import { ErrorCode } from '../../../shared/errors';
import {
  ConnectionsChanged,
  ConnectionsCreate,
  ConnectionsDelete,
  ConnectionsGet,
  ConnectionsUpdate,
  EventsSubscribe,
  SECRET_HEADER_MASK as MASK,
  type ConnectionsChangedParams,
} from '../../../shared/protocol';
import { cleanupDaemons, eventually, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { closeClients, connectClient, ensureDaemonBuilt, failure, fieldOf } from '../../helpers/integrationClient';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { ensureBuilt, runCli } from '../../daemon/cli/cliHarness';

const KEY = 'sk-secret-headers-key-0123456789';
const GATEWAY = 'Bearer sk-gateway-0123456789abcdefgh';

let daemon: DaemonProcess;
let mock: MockUpstream;
let client: SwitchboardClient;
let watcher: SwitchboardClient;
let events: ConnectionsChangedParams[];

beforeAll(() => {
  ensureDaemonBuilt();
  ensureBuilt();
});
beforeEach(async () => {
  mock = await startMockUpstream({ validKeys: [KEY] });
  daemon = await startDaemon();
  client = await connectClient(daemon, 'headers');
  watcher = await connectClient(daemon, 'watcher', { transport: 'tcp' });
  events = [];
  watcher.onNotification(ConnectionsChanged, (p) => events.push(p));
  await watcher.request(EventsSubscribe, {});
});
afterEach(async () => {
  await closeClients();
  await cleanupDaemons();
  await mock.close();
});
afterAll(() => cleanupDaemons());

const create = () =>
  client
    .request(ConnectionsCreate, {
      name: 'Gateway',
      provider: 'openai',
      baseUrl: mock.openaiBaseUrl,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
      apiKey: KEY,
      headers: { 'X-Team': 'blue', 'Helicone-Auth': GATEWAY },
    })
    .then((r) => r.connection);
const chatHeaders = async (connectionId: string) => {
  await client.chat({ connectionId, messages: [{ role: 'user', content: 'hi' }] }).result;
  return mock.requests.at(-1)!.headers;
};

describe('secret headers over the wire', () => {
  it('shows the mask and the names in the result and in the event another client gets', async () => {
    const c = await create();
    expect(c).toMatchObject({ headers: { 'X-Team': 'blue', 'Helicone-Auth': MASK }, secretHeaders: ['Helicone-Auth'] });
    expect(await eventually(() => events.length === 1)).toBe(true);
    expect(events[0]!.connection.headers).toEqual({ 'X-Team': 'blue', 'Helicone-Auth': MASK });
    expect(JSON.stringify(events)).not.toContain('sk-gateway');
    expect((await chatHeaders(c.id))['helicone-auth']).toBe(GATEWAY);
  });

  it('round-trips the list a client got: the secret stays, the edited header changes', async () => {
    const c = await create();
    const updated = (
      await client.request(ConnectionsUpdate, { id: c.id, headers: { ...c.headers, 'X-Team': 'green' } })
    ).connection;
    expect(updated.headers).toEqual({ 'X-Team': 'green', 'Helicone-Auth': MASK });
    const sent = await chatHeaders(c.id);
    expect([sent['x-team'], sent['helicone-auth']]).toEqual(['green', GATEWAY]);
  });

  it('refuses a mask with nothing stored behind it, naming the header', async () => {
    const c = await create();
    const error = await failure(client.request(ConnectionsUpdate, { id: c.id, headers: { 'X-Gateway-Token': MASK } }));
    expect(error.code).toBe(ErrorCode.VALIDATION);
    expect(fieldOf(error)).toBe('headers.X-Gateway-Token');
    expect((await chatHeaders(c.id))['helicone-auth']).toBe(GATEWAY);
  });

  it('refuses secretHeaders that is not a list of header names, or names no header', async () => {
    const bad = await failure(
      client.request(ConnectionsCreate, { name: 'B', provider: 'ollama', secretHeaders: ['bad name'] }),
    );
    expect(fieldOf(bad)).toMatch(/secretHeaders/);
    const missing = await failure(
      client.request(ConnectionsCreate, {
        name: 'B',
        provider: 'ollama',
        headers: { 'X-A': '1' },
        secretHeaders: ['X-B'],
      }),
    );
    expect(missing.code).toBe(ErrorCode.VALIDATION);
    expect(fieldOf(missing)).toBe('secretHeaders');
  });

  it('forgets the values with the connection', async () => {
    const c = await create();
    const deleted = (await client.request(ConnectionsDelete, { id: c.id })).connection;
    expect(deleted.headers).toEqual({ 'X-Team': 'blue', 'Helicone-Auth': MASK });
    expect((await failure(client.request(ConnectionsGet, { id: c.id }))).code).toBe(ErrorCode.CONNECTION_NOT_FOUND);
  });
});

describe('the CLI', () => {
  it('stores a credential given with --header NAME=@env:VAR as a secret and shows only the mask', async () => {
    const cli = (args: string[], input?: string) =>
      runCli(daemon.home, args, { ...(input !== undefined && { input }), env: { SB_PORTKEY: 'pk-cli-0123456789' } });
    const added = await cli(
      [
        'connections',
        'add',
        '--name',
        'Cli',
        '--provider',
        'openai',
        '--base-url',
        mock.openaiBaseUrl,
        '--key-stdin',
        '--header',
        'X-Portkey-Api-Key=@env:SB_PORTKEY',
        '--header',
        'X-Team=blue',
        '--json',
      ],
      `${KEY}\n`,
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.json().connection).toMatchObject({
      headers: { 'X-Portkey-Api-Key': MASK, 'X-Team': 'blue' },
      secretHeaders: ['X-Portkey-Api-Key'],
    });
    const shown = await cli(['connections', 'show', 'Cli']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^headers:\\s+X-Portkey-Api-Key: ${MASK}, X-Team: blue$`, 'm'));
    expect(shown.stdout + added.stdout).not.toContain('pk-cli-0123456789');
  });
});
