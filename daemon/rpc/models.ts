/** `models/list`: a connection's models, from the cache (see `models/modelCache.ts`). */
import { ModelsList } from '../../shared/protocol';
import type { DaemonContext } from '../context';
import type { ModelCache } from '../models/modelCache';
import type { Router } from './router';

export function registerModelHandlers(router: Router, ctx: DaemonContext, models: ModelCache): void {
  router.on(ModelsList, ({ connectionId, refresh }) => {
    // An unknown id fails here with CONNECTION_NOT_FOUND, before any cache lookup or fetch.
    ctx.connections.stored(connectionId);
    return models.list(connectionId, { refresh: refresh === true });
  });
}
