/** `usage/get`: the ledger. */
import { UsageGet } from '../../shared/protocol';
import type { UsageLedger } from '../usage/ledger';
import type { Router } from './router';

export function registerUsageHandlers(router: Router, ledger: UsageLedger): void {
  router.on(UsageGet, (params) => ({ records: ledger.query(params ?? {}) }));
}
