/**
 * Usage, limits and budgets, on the connection the main flow left ("Mock Primary"): set a budget and a
 * capacity limit in the manager's "Limits & budget", make a few chats through the daemon as any client
 * would, see the 80% budget warning, open the Usage view from it and from the palette, find the
 * requests counted under the connection and the chart drawn (light and dark), see the rate limits the
 * provider reported beside the configured ones — then clear the budget again, leaving the connection
 * as it was for the scenarios after this one.
 */
import type { Frame, Page } from 'playwright-core';
import { SwitchboardClient } from '../../../shared/client';
import {
  ConnectionsGet,
  ConnectionsList,
  ConnectionsUpdate,
  PricesSet,
  UsageGet,
  type Connection,
  type UsageGroup,
} from '../../../shared/protocol';
import { dayRange } from '../../../extension/usage/usageHost';
import { poll } from '../lib/procs';
import type { Steps } from '../lib/steps';
import type { Workbench } from '../lib/workbench';
import type { E2eContext } from '../run';

const CONNECTION = 'Mock Primary';
const MODEL = 'gpt-5.4-mini';
const CHATS = 3;
/** A user price for the mock's model (the catalog has none): each chat below costs $0.00304. */
const PRICE = { inputPerMTok: 2, outputPerMTok: 8 };
const REPLY = { chunks: ['Counted', '.'], usage: { input: 1200, output: 80 } };
/** Three chats spend $0.00912: past 80% of this, below all of it. */
const BUDGET = '0.01';

/** The webview frame whose page has `selector` (the chat view, the manager and the Usage tab may all be open). */
async function frameWith(page: Page, selector: string, timeoutMs = 20_000): Promise<Frame> {
  return poll(
    `a webview showing ${selector}`,
    async () => {
      for (const frame of page.frames()) {
        if (
          (await frame
            .locator(selector)
            .count()
            .catch(() => 0)) > 0
        )
          return frame;
      }
      return undefined;
    },
    timeoutMs,
  );
}

async function setTheme(wb: Workbench, label: string, bodyClass: string): Promise<void> {
  await wb.runCommand('Preferences: Color Theme');
  await wb.quickInput().fill(label);
  await wb.pick(new RegExp(`^${label}`));
  await wb.page.locator(`.monaco-workbench.${bodyClass}`).waitFor({ timeout: 10_000 });
}

async function openManagerOn(wb: Workbench): Promise<Frame> {
  // A quick pick closes when the focus leaves it; the Usage view refreshing beside it can take the
  // focus as the pick opens, so open it again once if its rows never show.
  for (let attempt = 1; ; attempt++) {
    await wb.runCommand('Switchboard: Edit Connection');
    try {
      await wb.pick(CONNECTION, 7000);
      break;
    } catch (error) {
      if (attempt === 2) throw error;
      await wb.page.keyboard.press('Escape');
    }
  }
  const manager = await frameWith(wb.page, '#form');
  await poll(
    `the form editing "${CONNECTION}"`,
    async () => (await manager.locator('#form-title').textContent()) === `Edit "${CONNECTION}"`,
    15_000,
  );
  await poll('the form to be enabled', () => manager.locator('#save').isEnabled());
  if (!(await manager.locator('#limits').evaluate((d) => (d as HTMLDetailsElement).open)))
    await manager.locator('#limits > summary').click();
  return manager;
}

async function saved(manager: Frame): Promise<void> {
  await manager.locator('#save').click();
  await poll(
    '"Saved"',
    async () => (await manager.locator('#form-status').textContent())?.includes(`Saved "${CONNECTION}"`),
    15_000,
  );
}

const modelGroup = (groups: UsageGroup[] | undefined, id: string) =>
  groups?.find((g) => g.connectionId === id && g.model === MODEL)?.requests ?? 0;

export async function usageViewScenario(ctx: E2eContext, steps: Steps): Promise<void> {
  const { wb, mock } = ctx;
  const page = wb.page;
  let client: SwitchboardClient | undefined;
  let conn: Connection | undefined;
  let expected = 0;
  let usage: Frame | undefined;
  let cleared = false;
  const cspBefore = wb.cspViolations.length;

  try {
    await steps.step('Limits & budget: a budget and a capacity limit are saved from the manager', async () => {
      // The scenario's own client, as any tool would connect: it chats and checks what was stored.
      client = await SwitchboardClient.connect({ home: ctx.home, clientName: 'e2e-usage' });
      conn = (await client.request(ConnectionsList, {})).connections.find((c) => c.name === CONNECTION);
      if (!conn) throw new Error(`no connection named ${CONNECTION}`);
      const manager = await openManagerOn(wb);
      await manager.locator('#capacity-add').click();
      await manager.locator('#capacity-0-requests').fill('100');
      await manager.locator('#budgetAmount').fill(BUDGET);
      await manager.locator('#budgetPeriod').selectOption('month');
      await saved(manager);
      ({ connection: conn } = await client.request(ConnectionsGet, { id: conn.id }));
      if (JSON.stringify(conn.budget) !== JSON.stringify({ period: 'month', amount: Number(BUDGET) }))
        throw new Error(`budget saved as ${JSON.stringify(conn.budget)}`);
      if (JSON.stringify(conn.capacity) !== JSON.stringify([{ period: 'minute', requests: 100 }]))
        throw new Error(`capacity saved as ${JSON.stringify(conn.capacity)}`);
    });

    await steps.step(`${CHATS} chats through the daemon are counted, and the budget warning shows at 80%`, async () => {
      const { from, to } = dayRange(30, new Date());
      const before = await client!.request(UsageGet, {
        connectionId: conn!.id,
        from,
        to,
        groupBy: ['connection', 'model'],
      });
      await client!.request(PricesSet, { provider: conn!.provider, model: MODEL, price: PRICE });
      mock.reply(MODEL, REPLY);
      for (let i = 0; i < CHATS; i++) {
        const stream = client!.chat({
          connectionId: conn!.id,
          messages: [{ role: 'user', content: `Count request ${i + 1}` }],
          options: { maxTokens: 100 },
        });
        for await (const _ of stream);
        await stream.result;
      }
      expected = modelGroup(before.groups, conn!.id) + CHATS;
      const after = await client!.request(UsageGet, {
        connectionId: conn!.id,
        from,
        to,
        groupBy: ['connection', 'model'],
      });
      if (modelGroup(after.groups, conn!.id) !== expected)
        throw new Error(`the daemon counted ${modelGroup(after.groups, conn!.id)} requests, expected ${expected}`);

      const toast = wb.notification(new RegExp(`Connection ${CONNECTION} has used \\d+% of its monthly budget`));
      await toast.waitFor({ timeout: 15_000 });
      const text = (await toast.textContent()) ?? '';
      if (!text.includes('of $0.01')) throw new Error(`the warning says: ${text}`);
      for (const label of ['Show Usage', 'Edit Connection'])
        await toast.locator('.monaco-button', { hasText: label }).waitFor();
      await page.waitForTimeout(300); // let the toast finish sliding in
      await wb.shot('budget-warning');
      await toast.locator('.monaco-button', { hasText: 'Show Usage' }).click();
      usage = await frameWith(page, '#usage-app');
      await usage.locator(`#usage-rows tr[data-connection-id="${conn!.id}"]`).first().waitFor({ timeout: 15_000 });
    });

    await steps.step(
      '"Switchboard: Show Usage" from the palette shows the requests per connection and the chart',
      async () => {
        await wb.runCommand('View: Close Editor');
        await poll(
          'the Usage tab to close',
          async () => (await frameWith(page, '#usage-app', 500).catch(() => undefined)) === undefined,
          10_000,
        );
        await wb.runCommand('Switchboard: Show Usage');
        usage = await frameWith(page, '#usage-app');
        const row = usage.locator(`#usage-rows tr[data-connection-id="${conn!.id}"][data-model="${MODEL}"]`);
        await row.waitFor({ timeout: 15_000 });
        const cells = await row.locator('th, td').allTextContents();
        if (cells[0] !== CONNECTION) throw new Error(`the row names ${cells[0]}`);
        if (cells[2] !== String(expected))
          throw new Error(`the row shows ${cells[2]} requests, expected ${expected} (row: ${cells.join(' | ')})`);
        if (!/^\$|^≥ \$/.test(cells[7] ?? '')) throw new Error(`the cost cell says "${cells[7]}"`);
        const chart = usage.locator('#chart svg.chart[role="img"]');
        await chart.waitFor({ state: 'visible' });
        if ((await chart.locator('rect.bar').count()) < 1) throw new Error('the chart has no bars');
        const label = (await chart.getAttribute('aria-label')) ?? '';
        if (!label.includes(CONNECTION) || !/tokens in total/.test(label))
          throw new Error(`the chart's label says: ${label}`);
        const budget = usage.locator(`#budgets li[data-connection-id="${conn!.id}"]`);
        await budget.waitFor();
        if (!/of \$0\.01 this month/.test((await budget.textContent()) ?? ''))
          throw new Error(`the budget says: ${await budget.textContent()}`);
        await wb.clearNotifications();
        await wb.shot('usage-dark');
      },
    );

    await steps.step('the Usage view follows the light theme', async () => {
      const background = () => usage!.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
      const dark = await background();
      await setTheme(wb, 'Light Modern', 'vs');
      await poll('the Usage view in the light theme', async () => (await background()) !== dark, 5000);
      await wb.shot('usage-light');
      await setTheme(wb, 'Dark Modern', 'vs-dark');
    });

    await steps.step('the manager shows the limits the provider reported beside the configured ones', async () => {
      const manager = await openManagerOn(wb);
      await poll(
        'the reported limits',
        async () =>
          /^Requests: .* left/.test(
            (await manager
              .locator('#discovered-lines li')
              .first()
              .textContent()
              .catch(() => '')) ?? '',
          ),
        15_000,
      );
      const observed = await manager.locator('#discovered-observed').textContent();
      if (!observed?.startsWith('Observed')) throw new Error(`the reported limits say: ${observed}`);
      if ((await manager.locator('#budgetAmount').inputValue()) !== BUDGET)
        throw new Error('the budget is not in the form');
      // The whole section in view: configured limits, what the provider reported, budget, fallbacks.
      await manager.locator('#limits').evaluate((d) => d.scrollIntoView({ block: 'start' }));
      await wb.shot('manager-limits');
    });

    await steps.step('clearing the budget and the limit saves them as removed', async () => {
      const manager = await frameWith(page, '#form');
      await manager.locator('#capacity [data-index="0"] button[data-action="remove"]').click();
      await manager.locator('#budgetAmount').fill('');
      await saved(manager);
      const { connection } = await client!.request(ConnectionsGet, { id: conn!.id });
      if (connection.budget !== undefined || connection.capacity !== undefined)
        throw new Error(
          `still saved: budget ${JSON.stringify(connection.budget)}, capacity ${JSON.stringify(connection.capacity)}`,
        );
      cleared = true;
    });

    await steps.step('the Usage page and the limits section broke no Content-Security-Policy rule', async () => {
      const seen = wb.cspViolations.slice(cspBefore);
      if (seen.length) throw new Error(seen.join('\n'));
    });
  } finally {
    // Leave the connection and the mock as the next scenario expects them, whatever failed above.
    mock.reply(MODEL, mock.defaultReply);
    if (client && conn) {
      // A budget left nearly spent would refuse the next scenario's chats with BUDGET_EXCEEDED.
      if (!cleared)
        await client.request(ConnectionsUpdate, { id: conn.id, budget: null, capacity: null }).catch(() => undefined);
      await client.request(PricesSet, { provider: conn.provider, model: MODEL, price: null }).catch(() => undefined);
      await client.close().catch(() => undefined);
    }
  }
}
