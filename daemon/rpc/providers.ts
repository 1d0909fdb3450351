/** `providers/*` handlers. */
import { ProvidersDelete, ProvidersList, ProvidersUpsert } from '../../shared/protocol';
import type { ProviderCatalog } from '../catalog/providerCatalog';
import type { AuditLog } from '../store/auditLog';
import type { Router } from './router';

export interface ProviderHandlerDeps {
  providers: ProviderCatalog;
  audit: AuditLog;
}

export function registerProviderHandlers(router: Router, deps: ProviderHandlerDeps): void {
  router.on(ProvidersList, () => ({ providers: deps.providers.list() }));
  router.on(ProvidersUpsert, async ({ provider }, { session }) => {
    const saved = await deps.providers.upsert(provider);
    await deps.audit.append({ client: session.clientName, action: 'providerUpsert', details: { provider: saved.id } });
    return { provider: saved };
  });
  router.on(ProvidersDelete, async ({ id }, { session }) => {
    const removed = await deps.providers.delete(id);
    await deps.audit.append({ client: session.clientName, action: 'providerDelete', details: { provider: id } });
    return { provider: removed };
  });
}
