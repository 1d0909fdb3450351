/**
 * `models/list`: a connection's models, from the cache (see `models/modelCache.ts`), with what is
 * known of each; `modelFacts/*`: those facts, and the user's own over the catalog's (factBook.ts).
 */
import { ModelFactsList, ModelFactsSet, ModelsList } from '../../shared/protocol';
import type { ConnectionService } from '../connections/service';
import type { FactBook } from '../models/factBook';
import type { ModelCache } from '../models/modelCache';
import type { AuditLog } from '../store/auditLog';
import { assertConnectionAllowed } from '../tokens/caller';
import type { Router } from './router';

export interface ModelHandlerDeps {
  connections: ConnectionService;
  models: ModelCache;
  facts: FactBook;
  audit: AuditLog;
}

export function registerModelHandlers(router: Router, deps: ModelHandlerDeps): void {
  router.on(ModelsList, async ({ connectionId, refresh }, { session }) => {
    // An unknown id fails here with CONNECTION_NOT_FOUND, before any cache lookup or fetch; a tool token's scope next.
    const stored = deps.connections.stored(connectionId);
    assertConnectionAllowed(session.caller, stored);
    const listed = await deps.models.list(connectionId, { refresh: refresh === true });
    // Context window, output limit and capabilities: VS Code's model picker sizes prompts with them.
    return { ...listed, models: listed.models.map((m) => deps.facts.withFacts(stored.provider, m)) };
  });
  router.on(ModelFactsList, (params) => ({ facts: deps.facts.list(params?.provider) }));
  router.on(ModelFactsSet, async ({ provider, model, facts: fields }, { session }) => {
    const entry = await deps.facts.set(provider, model, fields);
    // Facts are not secrets; the audit says who changed which model's facts, so a surprising limit can be traced.
    await deps.audit.append({
      client: session.clientName,
      action: 'modelFactsSet',
      details: { provider, model, facts: fields },
    });
    return { facts: entry };
  });
}
