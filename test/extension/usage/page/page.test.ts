// @vitest-environment happy-dom
/**
 * The Usage page's script on its real markup (happy-dom): what it asks the host for, and what a
 * person sees for the figures, an empty range, an error, and a change of range.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostToUsage, UsageToHost, UsageViewData } from '../../../../shared/webview';
import { renderPage } from '../../../../extension/usage/usageHtml';

let posted: UsageToHost[];
let state: unknown;
/** Each load's window listeners, removed after the test so a page from an earlier test cannot answer. */
const listeners: Array<[string, EventListenerOrEventListenerObject]> = [];

async function loadPage(saved?: unknown): Promise<void> {
  posted = [];
  state = saved;
  const html = renderPage({ cspSource: 'vscode-resource:', nonce: 'n', scriptUri: 'usage.js', styleUri: 'usage.css' });
  document.body.innerHTML = /<body>([\s\S]*)<\/body>/.exec(html)![1]!.replace(/<script[\s\S]*?<\/script>/, '');
  (globalThis as Record<string, unknown>).acquireVsCodeApi = () => ({
    postMessage: (m: UsageToHost) => posted.push(m),
    getState: () => state,
    setState: (s: unknown) => (state = s),
  });
  unload();
  const add = window.addEventListener.bind(window);
  const spy = vi
    .spyOn(window, 'addEventListener')
    .mockImplementation((type: string, listener: EventListenerOrEventListenerObject) => {
      listeners.push([type, listener]);
      add(type, listener);
    });
  vi.resetModules();
  await import('../../../../extension/usage/page/main');
  spy.mockRestore();
}

function unload(): void {
  for (const [type, listener] of listeners.splice(0)) window.removeEventListener(type, listener);
}

const send = (msg: HostToUsage) => window.dispatchEvent(new MessageEvent('message', { data: msg }));
const text = (sel: string) => document.querySelector(sel)?.textContent ?? '';

function data(over: Partial<UsageViewData> = {}): UsageViewData {
  const row = {
    requests: 3,
    errors: 1,
    inputTokens: 1200,
    outputTokens: 300,
    latencyMsTotal: 900,
    costUsd: 0,
    unpricedRequests: 3,
  };
  return {
    days: 30,
    from: '2025-03-01',
    to: '2025-03-30',
    records: [{ connectionId: 'c1', day: '2025-03-10', model: 'gpt-5.4-mini', ...row }],
    groups: [{ connectionId: 'c1', model: 'gpt-5.4-mini', ...row }],
    totals: row,
    budgets: [
      {
        connectionId: 'c1',
        period: 'month',
        amount: 10,
        spentUsd: 8.5,
        unpricedRequests: 0,
        periodStart: '2025-03-01T00:00:00.000Z',
        periodEnd: '2025-04-01T00:00:00.000Z',
      },
    ],
    names: { c1: 'Mock Primary' },
    ...over,
  };
}

beforeEach(() => loadPage());
afterEach(() => {
  unload();
  document.body.innerHTML = '';
});

describe('the Usage page', () => {
  it('says ready and waits for the figures', () => {
    expect(posted).toEqual([{ type: 'ready' }]);
    expect(text('#status')).toBe('Loading…');
  });

  it('shows totals, the chart, a row per connection and model, and budgets', () => {
    send({ type: 'data', data: data() });
    expect(text('#total-requests')).toBe('3');
    expect(text('#total-errors')).toBe('1');
    expect(text('#total-inputTokens')).toBe('1,200');
    expect(text('#total-cost')).toBe('unknown');
    expect(document.querySelector('#chart-section')!.hasAttribute('hidden')).toBe(false);
    expect(document.querySelectorAll('#chart svg[role="img"] rect.bar')).toHaveLength(1);
    expect(document.querySelector('#chart table.visually-hidden')).not.toBeNull();
    expect(text('#legend')).toBe('Mock Primary');
    const rows = [...document.querySelectorAll('#usage-rows tr')].map((tr) =>
      [...tr.children].map((c) => c.textContent),
    );
    expect(rows).toEqual([['Mock Primary', 'gpt-5.4-mini', '3', '1', '1,200', '300', '300 ms', 'unknown']]);
    expect(text('#budgets .budget-text')).toBe('$8.50 of $10.00 this month (85%)');
    expect(document.querySelector('#budgets .budget')!.className).toContain('level-warning');
    expect(document.querySelector('#budgets [role="progressbar"]')!.getAttribute('aria-valuenow')).toBe('85');
    expect(document.querySelector('#budgets-empty')!.hasAttribute('hidden')).toBe(true);
    expect(text('#empty')).toBe('');
    expect(text('#status')).toBe('Showing 3 requests from the last 30 days.');
  });

  it('shows which tool spent what once a tool token was used, and hides that section otherwise', () => {
    send({ type: 'data', data: data() });
    expect(document.querySelector('#tokens-section')!.hasAttribute('hidden')).toBe(true);
    const base = {
      connectionId: 'c1',
      model: 'gpt-5.4-mini',
      requests: 1,
      errors: 0,
      inputTokens: 100,
      outputTokens: 10,
      latencyMsTotal: 50,
      unpricedRequests: 0,
    };
    const records = [
      { ...base, day: '2025-03-10', costUsd: 0.01 },
      { ...base, day: '2025-03-10', tokenId: 'tok_1', tokenName: 'cline', requests: 4, costUsd: 1.5 },
      { ...base, day: '2025-03-11', tokenId: 'tok_1', tokenName: 'cline', requests: 2, costUsd: 0.5 },
    ];
    send({ type: 'data', data: data({ records }) });
    expect(document.querySelector('#tokens-section')!.hasAttribute('hidden')).toBe(false);
    const rows = [...document.querySelectorAll('#token-rows tr')].map((tr) =>
      [...tr.children].map((c) => c.textContent),
    );
    expect(rows).toEqual([
      ['cline', '6', '200', '20', '$2.00'],
      ['You (VS Code, CLI, owner token)', '1', '100', '10', '$0.01'],
    ]);
  });

  it('shows an empty state, not an empty chart, when the range has no usage', () => {
    const zero = {
      requests: 0,
      errors: 0,
      inputTokens: 0,
      outputTokens: 0,
      latencyMsTotal: 0,
      costUsd: 0,
      unpricedRequests: 0,
    };
    send({ type: 'data', data: data({ records: [], groups: [], totals: zero, budgets: [] }) });
    expect(document.querySelector('#empty')!.hasAttribute('hidden')).toBe(false);
    expect(text('#empty')).toMatch(/^No usage in the last 30 days/);
    expect(document.querySelector('#chart-section')!.hasAttribute('hidden')).toBe(true);
    expect(document.querySelector('#table-section')!.hasAttribute('hidden')).toBe(true);
    expect(text('#total-cost')).toBe('$0.00');
    expect(document.querySelector('#budgets-empty')!.hasAttribute('hidden')).toBe(false);
  });

  it('asks for the new range, keeps it, and ignores an answer for the old one', () => {
    const range = document.querySelector<HTMLSelectElement>('#range')!;
    range.value = '7';
    range.dispatchEvent(new Event('change'));
    expect(posted.at(-1)).toEqual({ type: 'refresh', days: 7 });
    expect(state).toEqual({ days: 7, metric: 'tokens' });
    send({ type: 'data', data: data() }); // the 30-day answer, late
    expect(text('#total-requests')).toBe('–');
    send({ type: 'data', data: data({ days: 7 }) });
    expect(text('#total-requests')).toBe('3');
  });

  it('restores its range after a reload and asks for it', async () => {
    await loadPage({ days: 90, metric: 'cost' });
    expect(posted).toEqual([{ type: 'ready' }, { type: 'refresh', days: 90 }]);
    expect(document.querySelector<HTMLSelectElement>('#range')!.value).toBe('90');
    send({ type: 'data', data: data({ days: 90 }) });
    expect(text('#chart-heading')).toBe('Cost per day (US dollars)');
    expect(text('#chart-note')).toMatch(/3 requests had none/);
  });

  it('switches the chart to cost without asking the host again', () => {
    send({ type: 'data', data: data() });
    const before = posted.length;
    const metric = document.querySelector<HTMLSelectElement>('#metric')!;
    metric.value = 'cost';
    metric.dispatchEvent(new Event('change'));
    expect(posted).toHaveLength(before);
    expect(text('#chart-heading')).toBe('Cost per day (US dollars)');
  });

  it('opens a connection from its name', () => {
    send({ type: 'data', data: data() });
    document.querySelector<HTMLButtonElement>('#usage-rows button[data-open="c1"]')!.click();
    expect(posted.at(-1)).toEqual({ type: 'openConnection', connectionId: 'c1' });
  });

  it('shows an error with its hint in the banner', () => {
    send({
      type: 'error',
      message: 'Could not load the usage: the daemon is not running.',
      hint: 'Run "Switchboard: Restart Daemon".',
    });
    expect(text('#banner')).toBe(
      'Could not load the usage: the daemon is not running. Run "Switchboard: Restart Daemon".',
    );
    expect(document.querySelector('#banner')!.hasAttribute('hidden')).toBe(false);
    send({ type: 'data', data: data() });
    expect(document.querySelector('#banner')!.hasAttribute('hidden')).toBe(true);
  });
});
