/**
 * The event notifications carry real schemas: a client drops a malformed event instead of handing
 * its handler something that is not a connection, and keeps the fields it does not know yet.
 */
import { describe, expect, it } from 'vitest';
import { BudgetWarning, ConnectionsChanged, ConnectionsTested, type Connection, type TestResult } from '../../../shared/protocol';

const connection: Connection = {
  id: 'c1', name: 'Work', provider: 'openai', baseUrl: 'https://api.openai.com/v1', timeoutMs: 60000, maxRetries: 2,
  isDefault: true, keySource: 'vault', keyAvailable: true, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  capacity: [{ period: 'minute', requests: 5 }], budget: { period: 'day', amount: 1 }, discoveredCapacity: { observedAt: '2026-01-01T00:00:00.000Z', tokensLimit: 10 },
};
const result: TestResult = { status: 'ok', summary: 'Works', testedAt: '2026-01-01T00:00:00.000Z', durationMs: 5, stages: [{ name: 'connectivity', status: 'ok', ms: 5, reason: 'reached' }] };

describe('event notification schemas', () => {
  it('accepts what the daemon sends, keeping fields a newer daemon adds', () => {
    const event = { kind: 'created', id: 'c1', connection: { ...connection, lastTest: result, futureField: 1 } };
    expect(ConnectionsChanged.params.parse(event)).toEqual(event);
    expect(ConnectionsTested.params.parse({ id: 'c1', result })).toEqual({ id: 'c1', result });
    const warning = { connectionId: 'c1', name: 'Work', period: 'day', amount: 1, spentUsd: 0.8, unpricedRequests: 0, periodStart: 'a', periodEnd: 'b', fraction: 0.8 };
    expect(BudgetWarning.params.parse(warning)).toEqual(warning);
  });

  it('rejects a connections/changed whose connection is not a connection', () => {
    expect(ConnectionsChanged.params.safeParse({ kind: 'created', id: 'c1', connection: { id: 'c1', name: 5 } }).success).toBe(false);
    expect(ConnectionsChanged.params.safeParse({ kind: 'renamed', id: 'c1', connection }).success).toBe(false);
    expect(ConnectionsChanged.params.safeParse({ kind: 'created', id: 'c1', connection: { ...connection, capacity: [{ period: 'week' }] } }).success).toBe(false);
  });

  it('rejects a connections/tested without a test result, and a budget warning without figures', () => {
    expect(ConnectionsTested.params.safeParse({ id: 'c1', result: { status: 'fine' } }).success).toBe(false);
    expect(BudgetWarning.params.safeParse({ connectionId: 'c1', name: 'Work', fraction: 'most' }).success).toBe(false);
  });
});
