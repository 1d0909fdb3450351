/** `connections/*` handlers (but `connections/test`, which lives with the tester). */
import {
  ConnectionsCreate,
  ConnectionsDelete,
  ConnectionsGet,
  ConnectionsList,
  ConnectionsResolve,
  ConnectionsSetDefault,
  ConnectionsUpdate,
} from '../../shared/protocol';
import type { ConnectionService } from '../connections/service';
import { mayUseConnection } from '../tokens/caller';
import type { Router } from './router';

export interface ConnectionHandlerDeps {
  connections: ConnectionService;
  /** Records the rate limits reported but not yet stored, so `list` and `get` show the latest. */
  settleRateLimits?: () => void;
}

export function registerConnectionHandlers(router: Router, deps: ConnectionHandlerDeps): void {
  const service = deps.connections;
  // A tool token sees only the connections it may use.
  router.on(ConnectionsList, (_params, { session }) => {
    deps.settleRateLimits?.();
    return { connections: service.list().filter((c) => mayUseConnection(session.caller, c.id)) };
  });
  router.on(ConnectionsGet, ({ id }) => {
    deps.settleRateLimits?.();
    return { connection: service.get(id) };
  });
  router.on(ConnectionsCreate, async (params, { session }) => ({
    connection: await service.create(params, session.clientName),
  }));
  router.on(ConnectionsUpdate, async (params, { session }) => ({
    connection: await service.update(params, session.clientName),
  }));
  router.on(ConnectionsDelete, async ({ id }, { session }) => ({
    connection: await service.delete(id, session.clientName),
  }));
  router.on(ConnectionsSetDefault, async ({ id }, { session }) => ({
    connection: await service.setDefault(id, session.clientName),
  }));
  router.on(ConnectionsResolve, (params) => {
    const { connection, reason } = service.resolve(params?.connectionId, params?.workspaceConnectionId);
    return { connection: service.toPublic(connection), reason };
  });
}
