/**
 * Capacity counters live in the daemon's home: a daemon restarted on the same home (cleanly, or after
 * a crash once the deferred write has happened) keeps refusing what the one before it had used up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, SwitchboardClient } from '../../../shared/client';
import { ConnectionsCreate } from '../../../shared/protocol';
import { cleanupDaemons, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { ensureBuilt, KEYS } from '../chat/harness';
import { errorOf, rpcChat, sleep } from './helpers';

let up: MockUpstream;
const clients: SwitchboardClient[] = [];

beforeAll(async () => {
  ensureBuilt();
  up = await startMockUpstream({ validKeys: Object.values(KEYS) });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await cleanupDaemons();
  await up?.close();
});

async function connect(daemon: DaemonProcess): Promise<SwitchboardClient> {
  const client = await SwitchboardClient.connect({ home: daemon.home, clientName: 'persistence-test' });
  clients.push(client);
  return client;
}

describe('capacity counters across restarts', () => {
  it('keep counting after a clean restart and after a crash', async () => {
    const first = await startDaemon();
    let client = await connect(first);
    const { connection } = await client.request(ConnectionsCreate, {
      name: 'kept',
      provider: 'openai',
      baseUrl: up.openaiBaseUrl,
      apiKey: KEYS.a,
      defaultModel: 'gpt-5.4',
      maxRetries: 0,
      capacity: [{ period: 'hour', requests: 4 }],
    });
    expect((await rpcChat(client, connection.id)).ok).toBe(true);
    expect((await rpcChat(client, connection.id)).ok).toBe(true);
    await client.close();
    expect(await first.stop()).toBe(0);

    const second = await startDaemon({ home: first.home });
    client = await connect(second);
    expect((await rpcChat(client, connection.id)).ok).toBe(true);
    expect((await rpcChat(client, connection.id)).ok).toBe(true);
    const refused = errorOf(await rpcChat(client, connection.id));
    expect(refused.code).toBe(ErrorCode.RATE_LIMITED);
    expect(refused.data.limit).toEqual({ period: 'hour', requests: 4 });
    // Counters are written a moment after each request; give that moment, then crash.
    await sleep(1200);
    await client.close();
    await second.kill();

    const third = await startDaemon({ home: first.home });
    client = await connect(third);
    const still = errorOf(await rpcChat(client, connection.id));
    expect(still.code).toBe(ErrorCode.RATE_LIMITED);
    // Four used within the last few seconds of an hour-long window: about 15 minutes until one frees up.
    expect(still.data.retryAfterMs).toBeGreaterThan(14 * 60_000);
    expect(up.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(4);
    await third.stop();
  });
});
