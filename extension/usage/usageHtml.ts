/**
 * The Usage view's page. Static markup only: no data is interpolated (page/view.ts fills it through the
 * DOM), so no connection or model name can become HTML. The script and stylesheet load by nonce and
 * from the extension's own webview folder; nothing else may load.
 */
import { renderShell, type PageResources } from '../webviewKit/pageShell';

export type { PageResources } from '../webviewKit/pageShell';

import { DEFAULT_DAYS, RANGES } from './page/ranges';

export function renderPage(r: PageResources): string {
  const ranges = RANGES.map(
    (d) => `<option value="${d}"${d === DEFAULT_DAYS ? ' selected' : ''}>Last ${d} days</option>`,
  ).join('');
  const totals = [
    ['requests', 'Requests'],
    ['errors', 'Errors'],
    ['inputTokens', 'Tokens in'],
    ['outputTokens', 'Tokens out'],
    ['cost', 'Cost'],
  ]
    .map(([id, label]) => `<div class="total"><dt>${label}</dt><dd id="total-${id}">–</dd></div>`)
    .join('\n        ');
  const columns = ['Connection', 'Model', 'Requests', 'Errors', 'Tokens in', 'Tokens out', 'Avg latency', 'Cost']
    .map((label, i) => `<th scope="col"${i >= 2 ? ' class="num"' : ''}>${label}</th>`)
    .join('');
  return renderShell(r, {
    title: 'Switchboard Usage',
    body: `<main id="usage-app">
  <header class="toolbar">
    <h1>Usage</h1>
    <div class="controls">
      <label for="range">Range</label>
      <select id="range">${ranges}</select>
      <button type="button" id="refresh" class="secondary">Refresh</button>
    </div>
  </header>
  <p id="period" class="help"></p>
  <div id="banner" class="banner" role="alert" hidden></div>
  <p id="status" class="status" role="status" aria-live="polite"></p>

  <section aria-labelledby="totals-heading">
    <h2 id="totals-heading" class="visually-hidden">Totals</h2>
    <dl id="totals" class="totals">
        ${totals}
    </dl>
    <p id="totals-note" class="help" hidden></p>
  </section>

  <p id="empty" class="empty" hidden></p>

  <section id="chart-section" aria-labelledby="chart-heading" hidden>
    <div class="section-head">
      <h2 id="chart-heading">Tokens per day</h2>
      <div class="controls">
        <label for="metric">Show</label>
        <select id="metric"><option value="tokens">Tokens</option><option value="cost">Cost</option></select>
      </div>
    </div>
    <div id="chart" class="chart-box"></div>
    <ul id="legend" class="legend" aria-label="Chart legend"></ul>
    <p id="chart-note" class="help" hidden></p>
  </section>

  <section id="table-section" aria-labelledby="table-heading" hidden>
    <h2 id="table-heading">By connection and model</h2>
    <div class="table-scroll" role="region" aria-labelledby="table-heading" tabindex="0">
      <table id="usage-table" class="usage-table">
        <thead><tr>${columns}</tr></thead>
        <tbody id="usage-rows"></tbody>
      </table>
    </div>
  </section>

  <section id="tokens-section" aria-labelledby="tokens-heading" hidden>
    <h2 id="tokens-heading">By tool</h2>
    <p class="help">Requests made with each tool token (see "Switchboard: Create Tool Token…"), and your own.</p>
    <div class="table-scroll" role="region" aria-labelledby="tokens-heading" tabindex="0">
      <table id="token-table" class="usage-table">
        <thead><tr><th scope="col">Tool token</th><th scope="col" class="num">Requests</th><th scope="col" class="num">Tokens in</th><th scope="col" class="num">Tokens out</th><th scope="col" class="num">Cost</th></tr></thead>
        <tbody id="token-rows"></tbody>
      </table>
    </div>
  </section>

  <section id="budgets-section" aria-labelledby="budgets-heading">
    <h2 id="budgets-heading">Budgets</h2>
    <ul id="budgets" class="budgets"></ul>
    <p id="budgets-empty" class="help">No connection has a budget. Set one under "Limits &amp; budget" when you edit a connection.</p>
  </section>
</main>
`,
  });
}
