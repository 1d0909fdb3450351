/**
 * The event notifications a client checks before its handler sees them: the light check a client
 * applies (shared/protocol/notificationChecks.ts, no zod in the extension's bundle) and the daemon's
 * zod schema of the same params agree: both keep what the daemon sends, fields a newer daemon adds
 * included, and both drop what is not an event of that kind.
 */
import { describe, expect, it } from 'vitest';
import {
  BudgetWarning,
  ChatDelta,
  ConnectionsChanged,
  ConnectionsTested,
  paramsSchemaOf,
  QuotaWarning,
  type Connection,
  type NotificationType,
  type TestResult,
} from '../../../shared/protocol';

const connection: Connection = {
  id: 'c1',
  name: 'Work',
  provider: 'openai',
  baseUrl: 'https://api.openai.com/v1',
  timeoutMs: 60000,
  maxRetries: 2,
  isDefault: true,
  keySource: 'vault',
  keyAvailable: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  capacity: [{ period: 'minute', requests: 5 }],
  budget: { period: 'day', amount: 1 },
  discoveredCapacity: { observedAt: '2026-01-01T00:00:00.000Z', tokensLimit: 10 },
};
const result: TestResult = {
  status: 'ok',
  summary: 'Works',
  testedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 5,
  stages: [{ name: 'connectivity', status: 'ok', ms: 5, reason: 'reached' }],
};
const warning = {
  connectionId: 'c1',
  name: 'Work',
  period: 'day',
  amount: 1,
  spentUsd: 0.8,
  unpricedRequests: 0,
  periodStart: 'a',
  periodEnd: 'b',
  fraction: 0.8,
};

/** What the client's check and the daemon's schema say of `value`: [accepted by check, accepted by schema]. */
function verdicts(descriptor: NotificationType<unknown>, value: unknown): [boolean, boolean] {
  return [descriptor.accepts(value), paramsSchemaOf(descriptor).safeParse(value).success];
}

describe('event notification checks', () => {
  it('accept what the daemon sends, keeping fields a newer daemon adds', () => {
    const event = { kind: 'created', id: 'c1', connection: { ...connection, lastTest: result, futureField: 1 } };
    expect(verdicts(ConnectionsChanged, event)).toEqual([true, true]);
    expect(verdicts(ConnectionsTested, { id: 'c1', result })).toEqual([true, true]);
    // A Bedrock connection's test has a model-access stage.
    const bedrock = { ...result, stages: [...result.stages, { name: 'modelAccess', status: 'ok', reason: 'granted' }] };
    expect(verdicts(ConnectionsTested, { id: 'c1', result: bedrock })).toEqual([true, true]);
    expect(verdicts(BudgetWarning, warning)).toEqual([true, true]);
  });

  it('reject a connections/changed whose connection is not a connection', () => {
    expect(verdicts(ConnectionsChanged, { kind: 'created', id: 'c1', connection: { id: 'c1', name: 5 } })).toEqual([
      false,
      false,
    ]);
    expect(verdicts(ConnectionsChanged, { kind: 'renamed', id: 'c1', connection })).toEqual([false, false]);
    expect(
      verdicts(ConnectionsChanged, {
        kind: 'created',
        id: 'c1',
        connection: { ...connection, capacity: [{ period: 'week' }] },
      }),
    ).toEqual([false, false]);
    expect(
      verdicts(ConnectionsChanged, { kind: 'created', id: 'c1', connection: { ...connection, keyAvailable: 'yes' } }),
    ).toEqual([false, false]);
    expect(verdicts(ConnectionsChanged, null)).toEqual([false, false]);
  });

  it('reject a connections/tested without a test result, and a budget warning without figures', () => {
    expect(verdicts(ConnectionsTested, { id: 'c1', result: { status: 'fine' } })).toEqual([false, false]);
    expect(
      verdicts(ConnectionsTested, {
        id: 'c1',
        result: { ...result, stages: [{ name: 'latency', status: 'slow', reason: 'x' }] },
      }),
    ).toEqual([false, false]);
    expect(verdicts(BudgetWarning, { connectionId: 'c1', name: 'Work', fraction: 'most' })).toEqual([false, false]);
    expect(verdicts(BudgetWarning, { ...warning, period: 'week' })).toEqual([false, false]);
  });
});

describe('connections/quotaWarning check', () => {
  const limit = {
    connectionId: 'c1',
    name: 'Work',
    source: 'limit',
    kind: 'requests',
    period: 'minute',
    limit: 10,
    used: 8,
    remaining: 2,
    fraction: 0.8,
  };
  const provider = { ...limit, source: 'provider', period: undefined, resetsAt: '2026-01-01T00:01:00.000Z' };

  it("accepts a configured limit's warning and a provider limit's", () => {
    expect(verdicts(QuotaWarning, limit)).toEqual([true, true]);
    expect(verdicts(QuotaWarning, provider)).toEqual([true, true]);
  });

  it('rejects a warning without figures or with an unknown source', () => {
    expect(verdicts(QuotaWarning, { ...limit, used: 'most' })).toEqual([false, false]);
    expect(verdicts(QuotaWarning, { ...limit, source: 'guess' })).toEqual([false, false]);
    expect(verdicts(QuotaWarning, { ...limit, period: 'week' })).toEqual([false, false]);
  });
});

describe('chat/delta check', () => {
  const base = { streamId: 's1', index: 0 };
  it('accepts text deltas and every typed delta the daemon sends', () => {
    for (const delta of [
      { ...base, text: 'Hel' },
      { ...base, type: 'text', text: 'lo' },
      { ...base, type: 'reasoning', reasoning: 'think' },
      { ...base, type: 'reasoningSignature', signature: 'sig' },
      { ...base, type: 'redactedReasoning', data: 'x' },
      { ...base, type: 'toolCall', toolCall: 0, id: 'call_1', name: 'lookup' },
      { ...base, type: 'toolCall', toolCall: 1, id: 'call_2', name: 'lookup', signature: 'thought' },
      { ...base, type: 'toolArguments', toolCall: 0, arguments: '{"q":' },
    ])
      expect(verdicts(ChatDelta, delta), JSON.stringify(delta)).toEqual([true, true]);
  });

  it('drops a delta without its stream, position or payload, or of an unknown type', () => {
    for (const delta of [
      { index: 0, text: 'x' },
      { ...base, index: -1, text: 'x' },
      { ...base, index: 1.5, text: 'x' },
      { ...base },
      { ...base, type: 'reasoning', text: 'not reasoning' },
      { ...base, type: 'toolCall', toolCall: 0, id: 'call_1' },
      { ...base, type: 'toolArguments', toolCall: -1, arguments: '' },
      { ...base, type: 'image', data: 'x' },
      'text',
    ])
      expect(verdicts(ChatDelta, delta), JSON.stringify(delta)).toEqual([false, false]);
  });
});
