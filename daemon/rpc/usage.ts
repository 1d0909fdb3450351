/** `usage/get`: the ledger's rows, optionally summed by connection, model and/or day, with totals. */
import { UsageGet } from '../../shared/protocol';
import { groupRecords, totalsOf, type UsageLedger } from '../usage/ledger';
import type { Router } from './router';

export interface UsageHandlerDeps {
  ledger: UsageLedger;
}

export function registerUsageHandlers(router: Router, deps: UsageHandlerDeps): void {
  router.on(UsageGet, (params) => {
    const { groupBy, ...filter } = params ?? {};
    const records = deps.ledger.query(filter);
    return { records, ...(groupBy && { groups: groupRecords(records, groupBy) }), totals: totalsOf(records) };
  });
}
