import { describe, expect, it } from 'vitest';
import type { ConnectionsStatusChangedParams, TestResult } from '../../shared/protocol';
import { shouldNotify, statusChangeMessage } from '../../extension/connections/statusMessage';

const result: TestResult = {
  status: 'error',
  summary: 'Key rejected',
  testedAt: '2025-01-02T00:00:00Z',
  durationMs: 40,
  stages: [
    { name: 'connectivity', status: 'ok', reason: 'reached' },
    { name: 'authentication', status: 'error', reason: 'The key was rejected (401): replace it.' },
  ],
};
const change = (over: Partial<ConnectionsStatusChangedParams> = {}): ConnectionsStatusChangedParams => ({
  id: 'c1',
  name: 'Work',
  previous: 'ok',
  status: 'error',
  trigger: 'scheduled',
  result,
  ...over,
});

describe('status change notifications', () => {
  it('notify only when a scheduled test finds a warning or an error', () => {
    expect(shouldNotify(change())).toBe(true);
    expect(shouldNotify(change({ status: 'warning' }))).toBe(true);
    expect(shouldNotify(change({ status: 'ok', previous: 'error' }))).toBe(false);
    expect(shouldNotify(change({ trigger: 'manual' }))).toBe(false);
    expect(shouldNotify(change({ trigger: 'chat' }))).toBe(false);
  });

  it('name the connection, what changed and the failing stage with its reason', () => {
    expect(statusChangeMessage(change())).toBe(
      'Switchboard: the scheduled test of "Work" found that it is failing (it worked before). authentication: The key was rejected (401): replace it.',
    );
    expect(statusChangeMessage(change({ previous: undefined, status: 'warning' }))).toContain('has a warning.');
  });
});
