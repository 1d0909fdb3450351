/**
 * Discovered capacity: the rate limits an upstream reports in its response headers (OpenAI's
 * `x-ratelimit-*`, Anthropic's `anthropic-ratelimit-*`), kept on the connection so the connection
 * manager can show them beside the configured limits.
 *
 * Every response carries them, so they are written with the store's deferred, coalesced write and
 * announce no `connections/changed`: clients see them on their next `connections/get` or `list`.
 * `onRecorded` sees each report as it arrives (the quota warning looks at it before the write lands).
 */
import type { DiscoveredCapacity, RateLimitInfo } from '../../shared/protocol';
import type { Database } from '../store/database';

export function discoveredCapacityRecorder(
  db: Database,
  now: () => number = Date.now,
  onRecorded?: (connectionId: string, capacity: DiscoveredCapacity) => void,
): (connectionId: string, info: RateLimitInfo) => void {
  return (connectionId, info) => {
    const capacity: DiscoveredCapacity = { ...info, observedAt: new Date(now()).toISOString() };
    db.updateLater((data) => {
      const conn = data.connections.find((c) => c.id === connectionId);
      if (conn) conn.discoveredCapacity = capacity;
    });
    onRecorded?.(connectionId, capacity);
  };
}
