/**
 * `connections/quota` and `connections/quotaWarning`: how much of each capacity limit a connection has
 * used and has left right now, beside what the provider last reported of its own limits, and the one
 * event a client gets when a limit passes 80%.
 *
 * Figures are computed when asked (the token buckets refill continuously), so they are a method of
 * their own rather than a field of `Connection`, which changes only when the connection does.
 */
import { z } from 'zod';
import { CapacityPeriod, Id } from './fields';

/** Share of a limit used at which `connections/quotaWarning` goes out. */
export const QUOTA_WARN_FRACTION = 0.8;

/** What a limit counts: requests, or input + output tokens. */
export type QuotaKind = 'requests' | 'tokens';

/** One configured capacity limit (one period, one kind) as it stands now. */
export interface QuotaLimitUsage {
  period: CapacityPeriod;
  kind: QuotaKind;
  /** The configured limit per period. */
  limit: number;
  /**
   * Used now, in whole units: what the daemon has let through minus what has refilled since, a unit
   * part refilled counting as used (may pass `limit` after a request reported more tokens than it reserved).
   */
  used: number;
  /** `limit - used`, never below 0. */
  remaining: number;
  /** `used / limit`, rounded to 4 decimals (may pass 1). */
  fraction: number;
  /** Milliseconds until the limit is whole again (nothing used), if nothing more is sent. */
  fullInMs: number;
}

/** One of the provider's own limits, from its rate-limit headers, with `used` derived from them. */
export interface ProviderLimitUsage {
  kind: QuotaKind;
  limit?: number;
  remaining?: number;
  /** `limit - remaining`, when both were reported. */
  used?: number;
  /** `used / limit`, rounded to 4 decimals, when both were reported. */
  fraction?: number;
  /** ISO time the provider said its window resets. */
  resetsAt?: string;
}

/** What a provider reported of its own limits, per kind. */
export interface ProviderQuota {
  /** ISO time of the response that carried the headers. */
  observedAt: string;
  limits: ProviderLimitUsage[];
}

/** A connection's quota now. */
export interface ConnectionQuota {
  connectionId: string;
  name: string;
  /** ISO time the figures were taken. */
  at: string;
  /** One entry per configured limit and kind (empty when none is configured). */
  limits: QuotaLimitUsage[];
  /** What the upstream last reported in its rate-limit headers; absent before any answer carried them. */
  provider?: ProviderQuota;
}

/** Params of `connections/quota`: one connection by `id`, or every connection when `id` is omitted. */
export const ConnectionsQuotaParams = z.strictObject({ id: Id.optional() }).optional();

/** Result of `connections/quota`. */
export interface ConnectionsQuotaResult {
  /** In the order of `connections/list`. */
  quotas: ConnectionQuota[];
}

/** Params of `connections/quotaWarning`: a limit passed 80%; sent once per crossing, not on every request. */
export const QuotaWarningParams = z.looseObject({
  connectionId: z.string(),
  name: z.string(),
  /** `limit`: a capacity limit configured on the connection; `provider`: one the upstream reported. */
  source: z.enum(['limit', 'provider']),
  kind: z.enum(['requests', 'tokens']),
  /** The configured limit's period (absent for a provider's limit). */
  period: CapacityPeriod.optional(),
  limit: z.number(),
  used: z.number(),
  remaining: z.number(),
  /** Used / limit, e.g. 0.8. */
  fraction: z.number(),
  /** ISO time the provider's window resets (provider limits, when reported). */
  resetsAt: z.string().optional(),
});
/** Params of `connections/quotaWarning`. */
export type QuotaWarningParams = z.infer<typeof QuotaWarningParams>;
