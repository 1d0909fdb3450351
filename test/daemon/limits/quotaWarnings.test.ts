import { describe, expect, it } from 'vitest';
import type { QuotaLimitUsage, QuotaWarningParams } from '../../../shared/protocol';
import { QuotaWarnings } from '../../../daemon/limits/quotaWarnings';

const conn = { id: 'c1', name: 'Work' };
const at = (used: number): QuotaLimitUsage[] => [
  { period: 'minute', kind: 'requests', limit: 10, used, remaining: 10 - used, fraction: used / 10, fullInMs: 0 },
];

describe('QuotaWarnings', () => {
  it('warns at 80%, stays quiet while the limit hovers near it, and warns again only after it drained below half', () => {
    const sent: QuotaWarningParams[] = [];
    const warnings = new QuotaWarnings((p) => sent.push(p));
    for (const used of [7, 8, 9, 7, 8, 6, 8]) warnings.checkLimits(conn, at(used));
    expect(sent.map((w) => w.used)).toEqual([8]);
    warnings.checkLimits(conn, at(4)); // below half: armed again
    warnings.checkLimits(conn, at(9));
    expect(sent.map((w) => w.used)).toEqual([8, 9]);
  });

  it('forgets a deleted connection, so a new one with its id starts armed', () => {
    const sent: QuotaWarningParams[] = [];
    const warnings = new QuotaWarnings((p) => sent.push(p));
    warnings.checkLimits(conn, at(8));
    warnings.forget('c1');
    warnings.checkLimits(conn, at(8));
    expect(sent).toHaveLength(2);
  });
});
