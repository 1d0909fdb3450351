/**
 * Rate limits are recorded once per event-loop turn, but the reads that show them —
 * `connections/get`, `connections/list`, `connections/quota` — record what is pending first, so they
 * show the latest figures even within the turn the answer came.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionService } from '../../../daemon/connections/service';
import { DiscoveredCapacityRecorder } from '../../../daemon/limits/discoveredCapacity';
import { silentLogger } from '../../../daemon/log';
import { registerConnectionHandlers } from '../../../daemon/rpc/connections';
import { registerQuotaHandlers } from '../../../daemon/rpc/quota';
import type { CallContext, Router } from '../../../daemon/rpc/router';
import { OWNER } from '../../../daemon/tokens/caller';
import type { StoredConnection } from '../../../daemon/store/schema';
import { openStore, type Store } from '../limits/helpers';

type Handler = (params: unknown, ctx: CallContext) => any;

let store: Store;
let handlers: Map<string, Handler>;
let recorder: DiscoveredCapacityRecorder;

beforeEach(async () => {
  store = await openStore();
  await store.put({ id: 'a' });
  recorder = new DiscoveredCapacityRecorder({ db: store.db, log: silentLogger });
  handlers = new Map();
  const router = { on: (d: { method: string }, h: Handler) => handlers.set(d.method, h) } as unknown as Router;
  // The connection service's reads, as they see the store (the handlers under test are the real ones).
  const record = (id: string) => store.db.data.connections.find((c) => c.id === id)!;
  const connections = {
    get: (id: string) => ({ ...record(id) }),
    list: () => store.db.data.connections.map((c) => ({ ...c })),
    stored: record,
  } as unknown as ConnectionService;
  const settleRateLimits = () => recorder.flush();
  registerConnectionHandlers(router, { connections, settleRateLimits });
  registerQuotaHandlers(router, {
    connections,
    admission: { quota: (c: StoredConnection) => ({ id: c.id, provider: c.discoveredCapacity }) } as never,
    settleRateLimits,
  });
});
afterEach(async () => {
  await store.close();
});

const ctx = { session: { caller: OWNER } } as unknown as CallContext;
const call = (method: string, params?: unknown) => handlers.get(method)!(params, ctx);

describe('reads of discovered capacity', () => {
  it('show the figures of an answer recorded in the same turn', async () => {
    recorder.record('a', () => ({ requestsLimit: 100, requestsRemaining: 41 }));
    expect((await call('connections/get', { id: 'a' })).connection.discoveredCapacity).toMatchObject({
      requestsRemaining: 41,
    });
    recorder.record('a', () => ({ requestsLimit: 100, requestsRemaining: 40 }));
    expect((await call('connections/list')).connections[0].discoveredCapacity).toMatchObject({ requestsRemaining: 40 });
    recorder.record('a', { requestsLimit: 100, requestsRemaining: 39 });
    expect((await call('connections/quota', { id: 'a' })).quotas[0].provider).toMatchObject({ requestsRemaining: 39 });
  });
});
