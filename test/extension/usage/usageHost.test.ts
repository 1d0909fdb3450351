import { describe, expect, it } from 'vitest';
import { SwitchboardError, type RequestType, type UsageRecord } from '../../../shared/protocol';
import type { HostToUsage } from '../../../shared/webview';
import { dayRange, UsageHost } from '../../../extension/usage/usageHost';

const NOW = new Date('2025-03-30T15:00:00Z');
const totals = {
  requests: 2,
  errors: 0,
  inputTokens: 20,
  outputTokens: 4,
  latencyMsTotal: 100,
  costUsd: 0.01,
  unpricedRequests: 0,
};
const record = (over: Partial<UsageRecord> = {}): UsageRecord => ({
  connectionId: 'c1',
  day: '2025-03-29',
  model: 'm1',
  ...totals,
  ...over,
});
const group = { connectionId: 'c1', model: 'm1', ...totals };
const budget = {
  connectionId: 'c1',
  period: 'month' as const,
  amount: 10,
  spentUsd: 1,
  unpricedRequests: 0,
  periodStart: '2025-03-01T00:00:00.000Z',
  periodEnd: '2025-04-01T00:00:00.000Z',
};

type Answer = (params: any) => unknown;
const daemon: Record<string, Answer> = {
  'usage/get': () => ({ records: [record()], groups: [group], totals }),
  'usage/budgets': () => ({ budgets: [budget] }),
  'connections/list': () => ({
    connections: [
      { id: 'c1', name: 'Work' },
      { id: 'c2', name: 'Local' },
    ],
  }),
};

/** A host wired to a scripted daemon; `hold` keeps answers of a method until released. */
function setup(answers: Record<string, Answer> = daemon) {
  const calls: Array<{ method: string; params: unknown }> = [];
  const posted: HostToUsage[] = [];
  const opened: string[] = [];
  const host = new UsageHost({
    async request<P, R>(d: RequestType<P, R>, params: P): Promise<R> {
      calls.push({ method: d.method, params });
      const answer = answers[d.method];
      if (!answer) throw new Error(`unexpected ${d.method}`);
      return (await answer(params)) as R;
    },
    post: (m) => void posted.push(m),
    openConnection: (id) => void opened.push(id),
    now: () => NOW,
  });
  return { host, calls, posted, opened };
}

describe('UsageHost', () => {
  it('answers ready with the last 30 days, grouped by connection and model, with budgets and names', async () => {
    const { host, calls, posted } = setup();
    await host.handle({ type: 'ready' });
    expect(calls).toEqual([
      { method: 'usage/get', params: { from: '2025-03-01', to: '2025-03-30', groupBy: ['connection', 'model'] } },
      { method: 'usage/budgets', params: {} },
      { method: 'connections/list', params: {} },
    ]);
    expect(posted).toEqual([
      {
        type: 'data',
        data: {
          days: 30,
          from: '2025-03-01',
          to: '2025-03-30',
          records: [record()],
          groups: [group],
          totals,
          budgets: [budget],
          names: { c1: 'Work', c2: 'Local' },
        },
      },
    ]);
  });

  it('loads the range the page asks for, and keeps it for later refreshes', async () => {
    const { host, calls, posted } = setup();
    await host.handle({ type: 'ready' });
    await host.handle({ type: 'refresh', days: 7 });
    await host.refresh();
    const ranges = calls.filter((c) => c.method === 'usage/get').map((c) => c.params);
    expect(ranges).toEqual([
      expect.objectContaining({ from: '2025-03-01' }),
      expect.objectContaining({ from: '2025-03-24', to: '2025-03-30' }),
      expect.objectContaining({ from: '2025-03-24', to: '2025-03-30' }),
    ]);
    expect(posted.map((m) => m.type === 'data' && m.data.days)).toEqual([30, 7, 7]);
  });

  it('refuses an absurd range by clamping it', async () => {
    const { host, calls } = setup();
    await host.handle({ type: 'refresh', days: 1e9 });
    await host.handle({ type: 'refresh', days: Number.NaN });
    const froms = calls.filter((c) => c.method === 'usage/get').map((c) => (c.params as { from: string }).from);
    expect(froms).toEqual([dayRange(366, NOW).from, dayRange(30, NOW).from]);
  });

  it('does not load before the page is ready (a visibility change on a page still loading)', async () => {
    const { host, calls } = setup();
    await host.refresh();
    expect(calls).toEqual([]);
  });

  it('drops the answer to an older range that arrives after a newer one', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const { host, posted } = setup({
      ...daemon,
      'usage/get': async (p: { from: string }) => {
        if (p.from === '2025-03-01') await slow; // the 30-day load is slow
        return { records: [], groups: [], totals };
      },
    });
    const first = host.handle({ type: 'ready' });
    await host.handle({ type: 'refresh', days: 7 });
    release();
    await first;
    expect(posted.map((m) => m.type === 'data' && m.data.days)).toEqual([7]);
  });

  it('turns a daemon error into an error message with its hint', async () => {
    const { host, posted } = setup({
      ...daemon,
      'usage/budgets': () => {
        throw new SwitchboardError('UNREACHABLE', 'The Switchboard daemon is not running.', {
          hint: 'Run "Switchboard: Restart Daemon".',
        });
      },
    });
    await host.handle({ type: 'ready' });
    expect(posted).toEqual([
      {
        type: 'error',
        message: 'Could not load the usage: The Switchboard daemon is not running.',
        hint: 'Run "Switchboard: Restart Daemon".',
      },
    ]);
  });

  it('opens a connection the page names', async () => {
    const { host, opened } = setup();
    await host.handle({ type: 'openConnection', connectionId: 'c2' });
    expect(opened).toEqual(['c2']);
  });
});

describe('dayRange', () => {
  it('covers the last N UTC days, today included, across a month end', () => {
    expect(dayRange(7, new Date('2025-03-02T23:59:00Z'))).toEqual({ from: '2025-02-24', to: '2025-03-02' });
    expect(dayRange(1, NOW)).toEqual({ from: '2025-03-30', to: '2025-03-30' });
  });
});
