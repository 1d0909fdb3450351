/**
 * A connection's quota now: each configured capacity limit's bucket read at this instant (used,
 * remaining, when it is whole again), and the provider's own limits from the rate-limit headers it
 * last sent. Pure over the limiter's levels, so the RPC handler, the warnings and tests agree.
 */
import type {
  ConnectionQuota,
  DiscoveredCapacity,
  ProviderLimitUsage,
  ProviderQuota,
  QuotaKind,
  QuotaLimitUsage,
} from '../../shared/protocol';
import type { StoredConnection } from '../store/schema';
import type { BucketKey } from './capacityLimiter';
import { PERIOD_MS } from './tokenBucket';

/** The quota of `conn`, given how full each of its buckets is now (`CapacityLimiter.usage`). */
export function quotaOf(
  conn: StoredConnection,
  levels: Partial<Record<BucketKey, number>>,
  at: number,
): ConnectionQuota {
  const limits: QuotaLimitUsage[] = [];
  for (const capacity of conn.capacity ?? [])
    for (const kind of ['requests', 'tokens'] as const) {
      const limit = capacity[kind];
      if (limit === undefined) continue;
      limits.push(limitUsage(capacity.period, kind, limit, levels[`${capacity.period}:${kind}`] ?? 0));
    }
  return {
    connectionId: conn.id,
    name: conn.name,
    at: new Date(at).toISOString(),
    limits,
    ...(conn.discoveredCapacity && { provider: providerQuota(conn.discoveredCapacity) }),
  };
}

function limitUsage(period: QuotaLimitUsage['period'], kind: QuotaKind, limit: number, level: number): QuotaLimitUsage {
  // A bucket's level is fractional while it refills, but only whole units can be sent: a unit part
  // refilled is still used (so `remaining` is exactly what fits now, and 4 of 5 reads 80%, not 79.99%).
  const used = Math.ceil(level - 1e-9);
  return {
    period,
    kind,
    limit,
    used,
    remaining: Math.max(0, limit - used),
    fraction: limit > 0 ? roundFraction(used / limit) : 0,
    fullInMs: limit > 0 ? Math.ceil((level * PERIOD_MS[period]) / limit) : 0,
  };
}

/** The provider's limits from its stored headers, with what is used of each. */
export function providerQuota(d: DiscoveredCapacity): ProviderQuota {
  const limits: ProviderLimitUsage[] = [];
  const add = (kind: QuotaKind, limit?: number, remaining?: number, resetsAt?: string) => {
    if (limit === undefined && remaining === undefined) return;
    const used = limit !== undefined && remaining !== undefined ? Math.max(0, limit - remaining) : undefined;
    limits.push({
      kind,
      ...(limit !== undefined && { limit }),
      ...(remaining !== undefined && { remaining }),
      ...(used !== undefined && { used }),
      ...(used !== undefined && limit !== undefined && limit > 0 && { fraction: roundFraction(used / limit) }),
      ...(resetsAt !== undefined && { resetsAt }),
    });
  };
  add('requests', d.requestsLimit, d.requestsRemaining, d.requestsReset);
  add('tokens', d.tokensLimit, d.tokensRemaining, d.tokensReset);
  return { observedAt: d.observedAt, limits };
}

/** A share to 4 decimals (0.8 stays 0.8 rather than 0.8000000001). */
export function roundFraction(f: number): number {
  return Math.round(f * 10_000) / 10_000;
}
