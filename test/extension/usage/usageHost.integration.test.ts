/**
 * The Usage view's host against the REAL daemon (dist/daemon.js on a fresh home) and the mock
 * upstream: chats made by a real client show up in what the page is sent — per connection and model,
 * priced or "unknown", with the budget spent — and the daemon's budget warning reads as the
 * notification a person sees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetWarning, EventsSubscribe, type BudgetWarningParams, type Connection } from '../../../shared/protocol';
import type { HostToUsage, UsageViewData } from '../../../shared/webview';
import { budgetWarningMessage } from '../../../extension/usage/budgetMessage';
import { UsageHost } from '../../../extension/usage/usageHost';
import { tableRows, totalsView } from '../../../extension/usage/page/rows';
import { cleanupDaemons, ensureBuilt, KEYS, setup, user, type Env } from '../../integration/chat/harness';

let env: Env;
let priced: Connection;
let unpriced: Connection;

beforeAll(async () => {
  ensureBuilt();
  env = await setup();
  // gpt-4o has a catalog price; the mock's gpt-5.4-mini has none.
  priced = await env.create({
    name: 'Priced',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.a,
    defaultModel: 'gpt-4o',
    maxRetries: 0,
    budget: { period: 'month', amount: 0.004 },
  });
  unpriced = await env.create({
    name: 'Unpriced',
    provider: 'openai',
    baseUrl: env.up.openaiBaseUrl,
    apiKey: KEYS.b,
    defaultModel: 'gpt-5.4-mini',
    maxRetries: 0,
  });
});
afterAll(async () => {
  await env?.teardown();
  await cleanupDaemons();
});

async function chat(connectionId: string): Promise<void> {
  const stream = env.client.chat({ connectionId, messages: user('count me'), options: { maxTokens: 10 } });
  for await (const _ of stream);
  await stream.result;
}

/** What the host sends the page after `ready`, loaded through the real client. */
async function viewData(): Promise<UsageViewData> {
  const posted: HostToUsage[] = [];
  const host = new UsageHost({
    request: (d, p) => env.client.request(d, p),
    post: (m) => void posted.push(m),
    openConnection: () => undefined,
  });
  await host.handle({ type: 'ready' });
  const [message] = posted;
  if (message?.type !== 'data') throw new Error(`the host sent ${JSON.stringify(message)}`);
  return message.data;
}

describe('the Usage view against the daemon', () => {
  it('shows an empty range before any chat, with the budget at zero', async () => {
    const data = await viewData();
    expect(data.totals.requests).toBe(0);
    expect(data.groups).toEqual([]);
    expect(data.budgets).toEqual([expect.objectContaining({ connectionId: priced.id, amount: 0.004, spentUsd: 0 })]);
    expect(data.names).toEqual({ [priced.id]: 'Priced', [unpriced.id]: 'Unpriced' });
  });

  it('counts each chat under its connection and model, priced or unknown, and warns at 80% of the budget', async () => {
    await env.client.request(EventsSubscribe, { events: ['usage/budgetWarning'] });
    const warnings: BudgetWarningParams[] = [];
    const sub = env.client.onNotification(BudgetWarning, (w) => void warnings.push(w));
    env.up.reply('gpt-4o', { chunks: ['a'], usage: { input: 1000, output: 100 } });
    env.up.reply('gpt-5.4-mini', { chunks: ['b'], usage: { input: 50, output: 5 } });
    await chat(priced.id);
    await chat(unpriced.id);
    await chat(unpriced.id);

    const data = await viewData();
    expect(data.days).toBe(30);
    const rows = tableRows(data.groups, data.names).map((r) => [
      r.name,
      r.model,
      r.cells.requests,
      r.cells.inputTokens,
      r.cells.outputTokens,
      r.cells.cost,
    ]);
    // gpt-4o at the catalog's $2.50 / $10 per million tokens: 1000 in + 100 out = $0.0035.
    expect(rows).toEqual([
      ['Priced', 'gpt-4o', '1', '1,000', '100', '$0.0035'],
      ['Unpriced', 'gpt-5.4-mini', '2', '100', '10', 'unknown'],
    ]);
    expect(totalsView(data.totals)).toMatchObject({ requests: '3', cost: '≥ $0.0035' });
    expect(data.records.every((r) => r.day === data.to)).toBe(true);
    expect(data.budgets[0]).toMatchObject({ connectionId: priced.id, spentUsd: expect.closeTo(0.0035, 9) });

    const deadline = Date.now() + 5000;
    while (warnings.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    sub.dispose();
    expect(warnings).toHaveLength(1);
    expect(budgetWarningMessage(warnings[0]!)).toBe(
      'Connection Priced has used 87% of its monthly budget ($0.0035 of $0.0040).',
    );
  });
});
