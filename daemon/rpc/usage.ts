/** `usage/get`: the ledger. */
import { UsageGet } from '../../shared/protocol';
import type { UsageLedger } from '../usage/ledger';
import type { Router } from './router';

export function registerUsageHandlers(router: Router, ledger: UsageLedger): void {
  router.on(UsageGet, (params) => {
    const records = ledger.query(params ?? {});
    const totals = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, latencyMsTotal: 0, costUsd: 0, unpricedRequests: 0 };
    for (const r of records) for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += r[key] ?? 0;
    return { records, totals };
  });
}
