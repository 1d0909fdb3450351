/**
 * The Usage view's chart: daily tokens (or cost) per connection, as bars stacked per connection.
 * `buildChart` turns the ledger into geometry (pure, unit-tested); `renderChart` draws that geometry as
 * inline SVG through the DOM — names come from the daemon, so text only ever goes in as textContent.
 * Colours are CSS classes mapped to VS Code's `--vscode-charts-*` theme variables in style.css.
 */
import type { UsageRecord } from '../../../shared/protocol';
import { formatCount, formatUsd } from '../../../shared/format';
import { daysBetween, formatCompact, formatDay } from './format';
import { connectionName } from './rows';

export type ChartMetric = 'tokens' | 'cost';

/** One connection's bars. */
export interface ChartSeries {
  connectionId: string;
  name: string;
  /** Colour slot (0–7): the series' place by total, cycled. */
  colour: number;
  total: number;
}

/** One connection's part of one day's bar, in SVG user units. */
export interface BarSegment {
  day: string;
  connectionId: string;
  colour: number;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChartModel {
  metric: ChartMetric;
  days: string[];
  /** Largest total first: it sits at the bottom of each bar and takes the first colour. */
  series: ChartSeries[];
  /** Per day, per connection id. */
  values: Array<Record<string, number>>;
  total: number;
  /** The y axis: 0 … max, with a label at each tick. */
  max: number;
  ticks: number[];
  segments: BarSegment[];
  /** Days labelled on the x axis, with the x of their bar's centre. */
  xLabels: Array<{ day: string; x: number }>;
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
}

export const COLOURS = 8;
const SIZE = { width: 720, height: 260, left: 60, right: 12, top: 12, bottom: 30 };
const MAX_X_LABELS = 8;

export interface ChartInput {
  from: string;
  to: string;
  records: UsageRecord[];
  names: Record<string, string>;
}

const valueOf = (r: UsageRecord, metric: ChartMetric) =>
  metric === 'tokens' ? r.inputTokens + r.outputTokens : r.costUsd;

export function buildChart(input: ChartInput, metric: ChartMetric): ChartModel {
  const days = daysBetween(input.from, input.to);
  const index = new Map(days.map((d, i) => [d, i]));
  const values: Array<Record<string, number>> = days.map(() => ({}));
  const totals = new Map<string, number>();
  for (const r of input.records) {
    const i = index.get(r.day);
    if (i === undefined) continue;
    const v = valueOf(r, metric);
    values[i]![r.connectionId] = (values[i]![r.connectionId] ?? 0) + v;
    totals.set(r.connectionId, (totals.get(r.connectionId) ?? 0) + v);
  }
  const series = [...totals.entries()]
    .map(([connectionId, total]) => ({ connectionId, name: connectionName(connectionId, input.names), total }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name))
    .map((s, i) => ({ ...s, colour: i % COLOURS }));
  const dayTotals = values.map((v) => Object.values(v).reduce((a, b) => a + b, 0));
  const { max, ticks } = niceScale(Math.max(0, ...dayTotals));

  const plot = { left: SIZE.left, top: SIZE.top, right: SIZE.width - SIZE.right, bottom: SIZE.height - SIZE.bottom };
  const slot = (plot.right - plot.left) / Math.max(1, days.length);
  const barWidth = Math.max(1, slot * 0.7);
  const scale = (plot.bottom - plot.top) / max;
  const segments: BarSegment[] = [];
  days.forEach((day, i) => {
    let y = plot.bottom;
    const x = plot.left + i * slot + (slot - barWidth) / 2;
    for (const s of series) {
      const value = values[i]![s.connectionId] ?? 0;
      if (value <= 0) continue;
      const height = value * scale;
      y -= height;
      segments.push({ day, connectionId: s.connectionId, colour: s.colour, value, x, y, width: barWidth, height });
    }
  });
  const every = Math.max(1, Math.ceil(days.length / MAX_X_LABELS));
  const xLabels = days.flatMap((day, i) => (i % every === 0 ? [{ day, x: plot.left + i * slot + slot / 2 }] : []));
  const total = dayTotals.reduce((a, b) => a + b, 0);
  return {
    metric,
    days,
    series,
    values,
    total,
    max,
    ticks,
    segments,
    xLabels,
    width: SIZE.width,
    height: SIZE.height,
    plot,
  };
}

/** A y axis from 0 to a round number above `max`, with 3–6 evenly spaced round ticks. */
export function niceScale(max: number, count = 4): { max: number; ticks: number[] } {
  if (!(max > 0)) return { max: 1, ticks: [0, 1] };
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * magnitude;
  const steps = Math.ceil(max / step - 1e-9);
  const ticks = Array.from({ length: steps + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  return { max: ticks.at(-1)!, ticks };
}

/** A tick label: `12k` tokens, `$0.50`. */
export function tickLabel(value: number, metric: ChartMetric): string {
  return metric === 'tokens' ? formatCompact(value) : value === 0 ? '$0' : formatUsd(value);
}

/** A value in words: `1,234 tokens`, `$0.12`. */
export function valueText(value: number, metric: ChartMetric): string {
  return metric === 'tokens' ? `${formatCount(value)} tokens` : formatUsd(value);
}

/** The chart in one sentence, for `aria-label`: what it plots, the total, each connection's share, the busiest day. */
export function chartSummary(m: ChartModel): string {
  const what = m.metric === 'tokens' ? 'Tokens' : 'Cost of priced requests';
  const span = m.days.length ? `${formatDay(m.days[0]!)} to ${formatDay(m.days.at(-1)!)}` : 'no days';
  if (m.total <= 0) return `${what} per day by connection, ${span}: none.`;
  const shares = m.series.map((s) => `${s.name} ${valueText(s.total, m.metric)}`).join(', ');
  let busiest = 0;
  m.values.forEach((v, i) => {
    if (sum(v) > sum(m.values[busiest]!)) busiest = i;
  });
  return `${what} per day by connection, stacked bar chart, ${span}: ${valueText(m.total, m.metric)} in total; ${shares}. Busiest day ${formatDay(m.days[busiest]!)} with ${valueText(sum(m.values[busiest]!), m.metric)}.`;
}

const sum = (v: Record<string, number>) => Object.values(v).reduce((a, b) => a + b, 0);

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(
  doc: Document,
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const node = doc.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Draws the model: grid lines and y labels, the stacked bars (each with a hover title), x labels. */
export function renderChart(m: ChartModel, doc: Document = document): SVGSVGElement {
  const root = svg(doc, 'svg', {
    class: 'chart',
    viewBox: `0 0 ${m.width} ${m.height}`,
    role: 'img',
    'aria-label': chartSummary(m),
    focusable: 'false',
  });
  const axis = svg(doc, 'g', { class: 'axis' });
  for (const tick of m.ticks) {
    const y = round(m.plot.bottom - (tick / m.max) * (m.plot.bottom - m.plot.top));
    axis.append(
      svg(doc, 'line', { class: tick === 0 ? 'baseline' : 'grid', x1: m.plot.left, x2: m.plot.right, y1: y, y2: y }),
      svg(
        doc,
        'text',
        { class: 'tick y', x: m.plot.left - 6, y: y + 4, 'text-anchor': 'end' },
        tickLabel(tick, m.metric),
      ),
    );
  }
  for (const l of m.xLabels)
    axis.append(
      svg(
        doc,
        'text',
        { class: 'tick x', x: round(l.x), y: m.plot.bottom + 18, 'text-anchor': 'middle' },
        formatDay(l.day),
      ),
    );
  const bars = svg(doc, 'g', { class: 'bars' });
  const names = new Map(m.series.map((s) => [s.connectionId, s.name]));
  for (const s of m.segments) {
    const rect = svg(doc, 'rect', {
      class: `bar series-${s.colour}`,
      x: round(s.x),
      y: round(s.y),
      width: round(s.width),
      height: Math.max(0.5, round(s.height)),
      'data-day': s.day,
      'data-connection-id': s.connectionId,
    });
    rect.append(
      svg(doc, 'title', {}, `${names.get(s.connectionId)} — ${formatDay(s.day)}: ${valueText(s.value, m.metric)}`),
    );
    bars.append(rect);
  }
  root.append(axis, bars);
  return root;
}

/** The chart's figures as a table for screen readers (visually hidden): one row per day with usage. */
export function renderChartTable(m: ChartModel, doc: Document = document): HTMLTableElement {
  const table = doc.createElement('table');
  table.className = 'visually-hidden';
  const caption = doc.createElement('caption');
  caption.textContent = `${m.metric === 'tokens' ? 'Tokens' : 'Cost'} per day by connection (days without usage left out)`;
  const head = doc.createElement('tr');
  for (const label of ['Day', ...m.series.map((s) => s.name), 'Total']) head.append(cell(doc, 'th', label, 'col'));
  const rows = m.days.flatMap((day, i) => {
    const v = m.values[i]!;
    if (sum(v) <= 0) return [];
    const tr = doc.createElement('tr');
    tr.append(
      cell(doc, 'th', formatDay(day), 'row'),
      ...m.series.map((s) => cell(doc, 'td', valueText(v[s.connectionId] ?? 0, m.metric))),
      cell(doc, 'td', valueText(sum(v), m.metric)),
    );
    return [tr];
  });
  const thead = doc.createElement('thead');
  thead.append(head);
  const tbody = doc.createElement('tbody');
  tbody.append(...rows);
  table.append(caption, thead, tbody);
  return table;
}

function cell(doc: Document, tag: 'th' | 'td', text: string, scope?: 'col' | 'row'): HTMLTableCellElement {
  const c = doc.createElement(tag);
  c.textContent = text;
  if (scope) c.scope = scope;
  return c;
}
