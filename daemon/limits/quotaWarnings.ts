/**
 * `connections/quotaWarning`: one event when a capacity limit passes 80% used — a limit configured on
 * the connection, or one the provider reports in its rate-limit headers — and not on every request
 * after that. A limit is armed again only once it has drained below half, so a connection running
 * steadily near 80% (refilling a little between requests) does not warn over and over.
 *
 * What was warned is kept in memory: after a restart a limit still past 80% warns once more.
 */
import {
  QUOTA_WARN_FRACTION,
  type ProviderQuota,
  type QuotaLimitUsage,
  type QuotaWarningParams,
} from '../../shared/protocol';

/** Share used below which a limit that warned may warn again. */
export const QUOTA_REARM_FRACTION = 0.5;

interface Named {
  id: string;
  name: string;
}

export class QuotaWarnings {
  /** `connectionId|source|limit` of every limit past 80% that has warned and not drained below half since. */
  private readonly warned = new Set<string>();

  constructor(private readonly send: (params: QuotaWarningParams) => void) {}

  /** Looks at a connection's configured limits as they are now. */
  checkLimits(conn: Named, limits: readonly QuotaLimitUsage[]): void {
    for (const l of limits)
      this.consider(`${conn.id}|limit|${l.period}:${l.kind}`, l.fraction, () => ({
        connectionId: conn.id,
        name: conn.name,
        source: 'limit',
        kind: l.kind,
        period: l.period,
        limit: l.limit,
        used: l.used,
        remaining: l.remaining,
        fraction: l.fraction,
      }));
  }

  /** Looks at what the provider just reported of its own limits. */
  checkProvider(conn: Named, quota: ProviderQuota): void {
    for (const l of quota.limits) {
      if (l.fraction === undefined || l.limit === undefined || l.used === undefined) continue;
      const { limit, used, fraction } = l;
      this.consider(`${conn.id}|provider|${l.kind}`, fraction, () => ({
        connectionId: conn.id,
        name: conn.name,
        source: 'provider',
        kind: l.kind,
        limit,
        used,
        remaining: l.remaining ?? Math.max(0, limit - used),
        fraction,
        ...(l.resetsAt !== undefined && { resetsAt: l.resetsAt }),
      }));
    }
  }

  /** Drops what was warned for a deleted connection. */
  forget(connectionId: string): void {
    for (const key of this.warned) if (key.startsWith(`${connectionId}|`)) this.warned.delete(key);
  }

  private consider(key: string, fraction: number, params: () => QuotaWarningParams): void {
    if (fraction >= QUOTA_WARN_FRACTION) {
      if (this.warned.has(key)) return;
      this.warned.add(key);
      this.send(params());
    } else if (fraction < QUOTA_REARM_FRACTION) {
      this.warned.delete(key);
    }
  }
}
