/** `models/list`: a connection's models, from the cache (see `models/modelCache.ts`), with what the catalog knows of each. */
import { ModelsList, type ModelInfo } from '../../shared/protocol';
import type { ConnectionService } from '../connections/service';
import type { ModelCache } from '../models/modelCache';
import { modelFactsOf } from '../providers/modelFacts';
import { assertConnectionAllowed } from '../tokens/caller';
import type { Router } from './router';

export interface ModelHandlerDeps {
  connections: ConnectionService;
  models: ModelCache;
}

export function registerModelHandlers(router: Router, deps: ModelHandlerDeps): void {
  router.on(ModelsList, async ({ connectionId, refresh }, { session }) => {
    // An unknown id fails here with CONNECTION_NOT_FOUND, before any cache lookup or fetch; a tool token's scope next.
    const stored = deps.connections.stored(connectionId);
    assertConnectionAllowed(session.caller, stored);
    const listed = await deps.models.list(connectionId, { refresh: refresh === true });
    return { ...listed, models: listed.models.map((m) => withFacts(stored.provider, m)) };
  });
}

/** Context window, output limit and capabilities from the catalog (VS Code's model picker sizes prompts with them). */
function withFacts(provider: string, m: ModelInfo): ModelInfo {
  const facts = modelFactsOf(provider, m.id);
  if (!facts) return m;
  return { ...m, contextWindow: facts.contextWindow, ...(facts.maxOutputTokens !== undefined && { maxOutputTokens: facts.maxOutputTokens }), capabilities: [...facts.capabilities] };
}
