/** `prices/*`: the model prices usage is costed at, and the user's own prices over the catalog's. */
import { PricesList, PricesSet } from '../../shared/protocol';
import type { PriceBook } from '../pricing/priceBook';
import type { AuditLog } from '../store/auditLog';
import type { Router } from './router';

export interface PriceHandlerDeps {
  prices: PriceBook;
  audit: AuditLog;
}

export function registerPriceHandlers(router: Router, deps: PriceHandlerDeps): void {
  router.on(PricesList, (params) => ({ prices: deps.prices.list(params?.provider) }));
  router.on(PricesSet, async ({ provider, model, price }, { session }) => {
    const entry = await deps.prices.set(provider, model, price);
    // Prices are not secrets; the audit says who changed which price to what, so a surprising cost can be traced.
    await deps.audit.append({ client: session.clientName, action: 'priceSet', details: { provider, model, price } });
    return { price: entry };
  });
}
