/**
 * The usage ledger: requests, errors, tokens and latency per connection, model and UTC day. Counters
 * are hot (every chat touches them), so they are written with the store's deferred, coalesced write.
 */
import type { UsageRecord } from '../../shared/protocol';
import type { Database } from '../store/database';

export interface UsageEvent {
  connectionId: string;
  model: string;
  inputTokens?: number;
  outputTokens?: number;
  latencyMs: number;
  error: boolean;
  /** US dollars; `null` when the model's price is unknown; absent when there was no usage to price. */
  costUsd?: number | null;
}

export class UsageLedger {
  constructor(private readonly db: Database) {}

  record(event: UsageEvent, now = new Date()): void {
    const day = now.toISOString().slice(0, 10);
    this.db.updateLater((data) => {
      let row = data.usage.find((r) => r.day === day && r.connectionId === event.connectionId && r.model === event.model);
      if (!row) {
        row = { connectionId: event.connectionId, day, model: event.model, requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, latencyMsTotal: 0, costUsd: 0, unpricedRequests: 0 };
        data.usage.push(row);
      }
      row.requests += 1;
      if (event.error) row.errors += 1;
      row.inputTokens += event.inputTokens ?? 0;
      row.outputTokens += event.outputTokens ?? 0;
      row.latencyMsTotal += Math.round(event.latencyMs);
      if (typeof event.costUsd === 'number') row.costUsd += event.costUsd;
      else if (event.costUsd === null) row.unpricedRequests += 1;
    });
  }

  /** Rows matching the filter, oldest first. Days are inclusive. */
  query(filter: { connectionId?: string; from?: string; to?: string } = {}): UsageRecord[] {
    return this.db.data.usage
      .filter((r) => (filter.connectionId === undefined || r.connectionId === filter.connectionId) && (filter.from === undefined || r.day >= filter.from) && (filter.to === undefined || r.day <= filter.to))
      .map((r) => ({ ...r }))
      .sort((a, b) => a.day.localeCompare(b.day) || a.connectionId.localeCompare(b.connectionId) || a.model.localeCompare(b.model));
  }
}
