/**
 * DOM access for the Usage view: totals, the chart and its legend, the table, budgets, the empty and
 * error states. Text goes in through `textContent` only: names come from the daemon.
 */
import type { UsageViewData } from '../../../shared/webview';
import { buildChart, renderChart, renderChartTable, type ChartMetric } from './chart';
import { formatSpan } from './format';
import { budgetView, tableRows, tokenRows, totalsView } from './rows';

export function el<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`usage page has no #${id}`);
  return found as T;
}

export function setStatus(message: string): void {
  el('status').textContent = message;
}

export function setBanner(message: string | undefined): void {
  const banner = el('banner');
  banner.textContent = message ?? '';
  banner.hidden = message === undefined;
}

/** Everything but the chart, which depends on the metric too (see `renderChartSection`). */
export function renderData(data: UsageViewData, metric: ChartMetric): void {
  el('period').textContent = `${formatSpan(data.from, data.to)} (UTC days)`;
  const totals = totalsView(data.totals);
  for (const key of ['requests', 'errors', 'inputTokens', 'outputTokens', 'cost'] as const)
    el(`total-${key}`).textContent = totals[key];
  const note = el('totals-note');
  note.textContent = totals.costNote ?? '';
  note.hidden = totals.costNote === undefined;
  el('total-cost').title = totals.costNote ?? '';

  const empty = data.totals.requests === 0;
  el('empty').hidden = !empty;
  el('empty').textContent = empty
    ? `No usage in the last ${data.days} days. Requests made through Switchboard — chats in VS Code, the CLI, other tools — show up here.`
    : '';
  el('chart-section').hidden = empty;
  el('table-section').hidden = empty;
  if (!empty) {
    renderChartSection(data, metric);
    renderTable(data);
  }
  renderTokens(data);
  renderBudgets(data);
}

export function renderChartSection(data: UsageViewData, metric: ChartMetric): void {
  const model = buildChart(data, metric);
  el('chart-heading').textContent = metric === 'tokens' ? 'Tokens per day' : 'Cost per day (US dollars)';
  el('chart').replaceChildren(renderChart(model), renderChartTable(model));
  el('legend').replaceChildren(
    ...model.series.map((s) => {
      const li = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = `swatch series-${s.colour}`;
      swatch.setAttribute('aria-hidden', 'true');
      const name = document.createElement('span');
      name.textContent = s.name;
      li.append(swatch, name);
      return li;
    }),
  );
  const note = el('chart-note');
  const unpriced = data.totals.unpricedRequests;
  note.hidden = !(metric === 'cost' && unpriced > 0);
  note.textContent = note.hidden
    ? ''
    : `Only requests with a known price are counted: ${unpriced} request${unpriced === 1 ? '' : 's'} had none.`;
}

function renderTable(data: UsageViewData): void {
  const rows = tableRows(data.groups, data.names).map((r) => {
    const tr = document.createElement('tr');
    tr.dataset.connectionId = r.connectionId;
    tr.dataset.model = r.model;
    const name = document.createElement('th');
    name.scope = 'row';
    if (r.exists) {
      // Opens the connection in the manager (its limits, budget, fallbacks).
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'link';
      open.dataset.open = r.connectionId;
      open.textContent = r.name;
      open.title = `Edit "${r.name}"`;
      name.append(open);
    } else {
      name.textContent = r.name;
    }
    const model = cell(r.model || '(none)');
    model.className = 'model';
    const cells = [r.cells.requests, r.cells.errors, r.cells.inputTokens, r.cells.outputTokens, r.cells.latency].map(
      (t) => cell(t, 'num'),
    );
    const cost = cell(r.cells.cost, 'num cost');
    if (r.costNote) cost.title = r.costNote;
    if (r.tokensNote) for (const tokens of [cells[2]!, cells[3]!]) tokens.title = r.tokensNote;
    cells[0]!.dataset.col = 'requests';
    tr.append(name, model, ...cells, cost);
    return tr;
  });
  el('usage-rows').replaceChildren(...rows);
}

/** Which tool (tool token) spent what; hidden while no tool token was used in the range. */
function renderTokens(data: UsageViewData): void {
  const rows = tokenRows(data.records).map((t) => {
    const tr = document.createElement('tr');
    if (t.tokenId) tr.dataset.tokenId = t.tokenId;
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = t.name;
    const cost = cell(t.cells.cost, 'num cost');
    if (t.costNote) cost.title = t.costNote;
    tr.append(
      name,
      cell(t.cells.requests, 'num'),
      cell(t.cells.inputTokens, 'num'),
      cell(t.cells.outputTokens, 'num'),
      cost,
    );
    return tr;
  });
  el('token-rows').replaceChildren(...rows);
  el('tokens-section').hidden = rows.length === 0;
}

function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function renderBudgets(data: UsageViewData): void {
  const items = data.budgets.map((b) => {
    const v = budgetView(b, data.names);
    const li = document.createElement('li');
    li.className = `budget level-${v.level}`;
    li.dataset.connectionId = v.connectionId;
    const head = document.createElement('div');
    head.className = 'budget-head';
    const name = document.createElement('button');
    name.type = 'button';
    name.className = 'link budget-name';
    name.dataset.open = v.connectionId;
    name.textContent = v.name;
    const text = document.createElement('span');
    text.className = 'budget-text';
    text.textContent = v.text;
    head.append(name, text);
    const bar = document.createElement('div');
    bar.className = 'progress';
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-label', `${v.name} budget`);
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    bar.setAttribute('aria-valuenow', String(Math.min(100, Math.round(v.fraction * 100))));
    bar.setAttribute('aria-valuetext', v.text);
    const fill = document.createElement('div');
    fill.className = 'progress-fill';
    // A width through CSSOM, not a style attribute: the page's CSP allows no inline styles.
    fill.style.width = `${Math.min(100, v.fraction * 100)}%`;
    bar.append(fill);
    const foot = document.createElement('p');
    foot.className = 'help';
    foot.textContent = v.note ? `${v.resets}. ${v.note}` : `${v.resets}.`;
    li.append(head, bar, foot);
    return li;
  });
  el('budgets').replaceChildren(...items);
  el('budgets-empty').hidden = items.length > 0;
}
