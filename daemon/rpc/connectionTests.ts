/** `connections/test`: a saved connection by id (result stored and broadcast), or an unsaved draft. */
import { ConnectionsTest, ConnectionsTestHistory, type Provider } from '../../shared/protocol';
import type { ActivityAudit } from '../audit/activityAudit';
import type { TestHistory } from '../connectionTests/testHistory';
import { draftToResolved } from '../connections/upstream';
import type { ConnectionService } from '../connections/service';
import type { ProviderCatalog } from '../catalog/providerCatalog';
import type { ModelCache } from '../models/modelCache';
import type { ProviderAdapter } from '../providers/adapter';
import { testConnection, testSavedConnection } from '../connectionTests/connectionTester';
import type { Router } from './router';

export interface ConnectionTestHandlerDeps {
  connections: ConnectionService;
  providers: ProviderCatalog;
  adapterFor: (provider: Provider) => ProviderAdapter;
  /** Refreshed with the models a test of a saved connection discovers. */
  models: ModelCache;
  testHistory: TestHistory;
  /** Records each test of a saved connection in the audit log. */
  activity?: ActivityAudit;
  /** Latency warning threshold; default 3000 ms. */
  slowMs?: number;
}

export function registerConnectionTestHandlers(router: Router, deps: ConnectionTestHandlerDeps): void {
  router.on(ConnectionsTest, async (params, { session }) => {
    if (params.id !== undefined) {
      // Not tied to the caller's socket: the result is stored and broadcast, so it is worth finishing
      // even if the client that asked has gone.
      return testSavedConnection(deps, params.id, {
        ...(params.completion !== undefined && { completion: params.completion }),
        client: session.clientName,
      });
    }
    // A draft's key is used for this one test and kept nowhere: not stored, not logged, not cached.
    const draft = params.draft!;
    const conn = draftToResolved(draft, deps.providers);
    const result = await testConnection(conn, {
      adapter: deps.adapterFor(conn.provider),
      ...(draft.defaultModel !== undefined && { defaultModel: draft.defaultModel }),
      ...(params.completion !== undefined && { completion: params.completion }),
      ...(deps.slowMs !== undefined && { slowMs: deps.slowMs }),
      // Nobody else would see a draft's result: stop as soon as its client leaves.
      signal: session.closed,
    });
    return { result };
  });
  router.on(ConnectionsTestHistory, ({ id, limit }) => {
    deps.connections.stored(id); // CONNECTION_NOT_FOUND for an unknown id, not an empty history
    return { entries: deps.testHistory.list(id, limit) };
  });
}
