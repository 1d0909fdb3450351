/** `connections/quota`: how much of each capacity limit is used and left now, and what the provider reported. */
import { ConnectionsQuota } from '../../shared/protocol';
import type { ConnectionService } from '../connections/service';
import type { LimitsAdmission } from '../limits/admission';
import type { Router } from './router';

export interface QuotaHandlerDeps {
  connections: ConnectionService;
  admission: Pick<LimitsAdmission, 'quota'>;
  /** Records the rate limits reported but not yet stored, so the provider's figures are the latest. */
  settleRateLimits?: () => void;
}

export function registerQuotaHandlers(router: Router, deps: QuotaHandlerDeps): void {
  router.on(ConnectionsQuota, (params) => {
    deps.settleRateLimits?.();
    // An unknown id is CONNECTION_NOT_FOUND (from `stored`), not an empty list.
    const conns =
      params?.id !== undefined
        ? [deps.connections.stored(params.id)]
        : deps.connections.list().map((c) => deps.connections.stored(c.id));
    return { quotas: conns.map((conn) => deps.admission.quota(conn)) };
  });
}
