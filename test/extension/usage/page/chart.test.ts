// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../../../shared/protocol';
import {
  buildChart,
  chartSummary,
  niceScale,
  renderChart,
  renderChartTable,
} from '../../../../extension/usage/page/chart';

const rec = (over: Partial<UsageRecord>): UsageRecord => ({
  connectionId: 'a',
  day: '2025-03-01',
  model: 'm',
  requests: 1,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  latencyMsTotal: 0,
  costUsd: 0,
  unpricedRequests: 0,
  ...over,
});
const names = { a: 'Alpha', b: 'Bravo' };
const input = (records: UsageRecord[]) => ({ from: '2025-03-01', to: '2025-03-03', records, names });

describe('niceScale', () => {
  it('rounds the top of the axis up to a round step', () => {
    expect(niceScale(1234)).toEqual({ max: 1500, ticks: [0, 500, 1000, 1500] });
    expect(niceScale(100)).toEqual({ max: 100, ticks: [0, 25, 50, 75, 100] });
    expect(niceScale(0.0031).ticks.at(-1)).toBeCloseTo(0.004, 12);
  });

  it('gives an empty chart an axis of 0 to 1', () => {
    expect(niceScale(0)).toEqual({ max: 1, ticks: [0, 1] });
  });
});

describe('buildChart', () => {
  const records = [
    rec({ connectionId: 'a', day: '2025-03-01', inputTokens: 300, outputTokens: 100 }),
    rec({ connectionId: 'a', day: '2025-03-01', model: 'other', inputTokens: 100, outputTokens: 0 }),
    rec({ connectionId: 'b', day: '2025-03-01', inputTokens: 50, outputTokens: 50 }),
    rec({ connectionId: 'b', day: '2025-03-03', inputTokens: 900, outputTokens: 100, costUsd: 0.25 }),
    rec({ connectionId: 'a', day: '2025-02-20', inputTokens: 99_999 }), // outside the range: ignored
  ];

  it('has a bar slot for every day of the range, days without usage included', () => {
    const m = buildChart(input(records), 'tokens');
    expect(m.days).toEqual(['2025-03-01', '2025-03-02', '2025-03-03']);
    expect(m.values).toEqual([{ a: 500, b: 100 }, {}, { b: 1000 }]);
    expect(m.total).toBe(1600);
  });

  it('stacks each day per connection, the largest connection at the bottom', () => {
    const m = buildChart(input(records), 'tokens');
    expect(m.series.map((s) => [s.name, s.total, s.colour])).toEqual([
      ['Bravo', 1100, 0],
      ['Alpha', 500, 1],
    ]);
    const day1 = m.segments.filter((s) => s.day === '2025-03-01');
    expect(day1.map((s) => s.connectionId)).toEqual(['b', 'a']);
    // Bravo sits on the baseline; Alpha sits on Bravo; heights are proportional to the values.
    expect(day1[0]!.y + day1[0]!.height).toBeCloseTo(m.plot.bottom, 9);
    expect(day1[1]!.y + day1[1]!.height).toBeCloseTo(day1[0]!.y, 9);
    expect(day1[1]!.height / day1[0]!.height).toBeCloseTo(5, 9);
    const fullHeight = m.plot.bottom - m.plot.top;
    expect(m.max).toBe(1000);
    expect(m.segments.find((s) => s.day === '2025-03-03')!.height).toBeCloseTo(fullHeight, 9);
    expect(m.segments.some((s) => s.day === '2025-03-02')).toBe(false);
  });

  it('plots cost instead of tokens when asked', () => {
    const m = buildChart(input(records), 'cost');
    expect(m.total).toBe(0.25);
    expect(m.segments).toHaveLength(1);
  });

  it('labels at most eight days on a 90-day axis', () => {
    const m = buildChart({ from: '2025-01-01', to: '2025-03-31', records: [], names }, 'tokens');
    expect(m.days).toHaveLength(90);
    expect(m.xLabels.length).toBeLessThanOrEqual(8);
    expect(m.xLabels[0]!.day).toBe('2025-01-01');
  });

  it('sums the chart up in one sentence for screen readers', () => {
    expect(chartSummary(buildChart(input(records), 'tokens'))).toBe(
      'Tokens per day by connection, stacked bar chart, Mar 1 to Mar 3: 1,600 tokens in total; Bravo 1,100 tokens, Alpha 500 tokens. Busiest day Mar 3 with 1,000 tokens.',
    );
  });
});

describe('renderChart', () => {
  const records = [
    rec({ connectionId: 'a', inputTokens: 40 }),
    rec({ connectionId: 'b', day: '2025-03-02', inputTokens: 60 }),
  ];

  it('draws an accessible SVG: role img, a summary label, one rect per segment, axis labels', () => {
    const svg = renderChart(buildChart(input(records), 'tokens'));
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-label')).toMatch(/^Tokens per day by connection.*100 tokens in total/);
    expect(svg.querySelectorAll('rect.bar')).toHaveLength(2);
    expect([...svg.querySelectorAll('text.tick.y')].map((t) => t.textContent)).toEqual(['0', '20', '40', '60']);
    expect([...svg.querySelectorAll('text.tick.x')].map((t) => t.textContent)).toEqual(['Mar 1', 'Mar 2', 'Mar 3']);
    expect(svg.querySelector('rect.bar')!.getAttribute('class')).toMatch(/series-\d/);
  });

  it('puts names in as text, never markup', () => {
    const svg = renderChart(
      buildChart({ ...input(records), names: { a: '<img src=x onerror=alert(1)>', b: 'B' } }, 'tokens'),
    );
    expect(svg.querySelector('img')).toBeNull();
    expect([...svg.querySelectorAll('title')].map((t) => t.textContent)).toContain(
      '<img src=x onerror=alert(1)> — Mar 1: 40 tokens',
    );
  });

  it('has a hidden data table with a row per day with usage', () => {
    const table = renderChartTable(buildChart(input(records), 'tokens'));
    expect(table.className).toBe('visually-hidden');
    expect([...table.querySelectorAll('thead th')].map((t) => t.textContent)).toEqual([
      'Day',
      'Bravo',
      'Alpha',
      'Total',
    ]);
    expect([...table.querySelectorAll('tbody tr')].map((r) => r.textContent)).toEqual([
      'Mar 10 tokens40 tokens40 tokens',
      'Mar 260 tokens0 tokens60 tokens',
    ]);
  });
});
