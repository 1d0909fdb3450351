/** `providers/*` handlers. */
import { ProvidersDelete, ProvidersList, ProvidersUpsert } from '../../shared/protocol';
import type { DaemonContext } from '../context';
import type { Router } from './router';

export function registerProviderHandlers(router: Router, ctx: DaemonContext): void {
  router.on(ProvidersList, () => ({ providers: ctx.providers.list() }));
  router.on(ProvidersUpsert, async ({ provider }, { session }) => {
    const saved = await ctx.providers.upsert(provider);
    await ctx.audit.append({ client: session.clientName, action: 'providerUpsert', details: { provider: saved.id } });
    return { provider: saved };
  });
  router.on(ProvidersDelete, async ({ id }, { session }) => {
    const removed = await ctx.providers.delete(id);
    await ctx.audit.append({ client: session.clientName, action: 'providerDelete', details: { provider: id } });
    return { provider: removed };
  });
}
