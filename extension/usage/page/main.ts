/**
 * The Usage view's script (browser side, bundled to dist/webviews/usage.js). It holds the range and
 * the chart's metric (kept with `setState`, so a reload shows the same view) and the last figures;
 * it speaks to the host only through `UsageToHost` / `HostToUsage`.
 */
import './style.css';
import { assertNever, type HostToUsage, type UsageToHost, type UsageViewData } from '../../../shared/webview';
import type { ChartMetric } from './chart';
import { DEFAULT_DAYS, RANGES } from './ranges';
import * as view from './view';

interface VsCodeApi {
  postMessage(message: UsageToHost): void;
  getState(): unknown;
  setState(state: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface PersistedState {
  days: number;
  metric: ChartMetric;
}

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as Partial<PersistedState> | undefined;
let days = RANGES.includes(saved?.days as (typeof RANGES)[number]) ? saved!.days! : DEFAULT_DAYS;
let metric: ChartMetric = saved?.metric === 'cost' ? 'cost' : 'tokens';
let data: UsageViewData | undefined;

const range = view.el<HTMLSelectElement>('range');
const metricSelect = view.el<HTMLSelectElement>('metric');
range.value = String(days);
metricSelect.value = metric;

function send(message: UsageToHost): void {
  vscode.postMessage(message);
}

function persist(): void {
  vscode.setState({ days, metric });
}

function load(): void {
  view.setStatus(`Loading the last ${days} days…`);
  send({ type: 'refresh', days });
}

function onMessage(msg: HostToUsage): void {
  switch (msg.type) {
    case 'data': {
      // An answer for a range no longer selected: the one asked for since is on its way.
      if (msg.data.days !== days) return;
      data = msg.data;
      view.setBanner(undefined);
      view.renderData(data, metric);
      const n = data.totals.requests;
      return view.setStatus(`Showing ${n} request${n === 1 ? '' : 's'} from the last ${days} days.`);
    }
    case 'error':
      view.setStatus('');
      return view.setBanner(msg.hint ? `${msg.message} ${msg.hint}` : msg.message);
    default:
      return assertNever(msg);
  }
}

range.addEventListener('change', () => {
  days = Number(range.value);
  persist();
  load();
});
metricSelect.addEventListener('change', () => {
  metric = metricSelect.value === 'cost' ? 'cost' : 'tokens';
  persist();
  if (data && data.totals.requests > 0) view.renderChartSection(data, metric);
});
view.el('refresh').addEventListener('click', load);
// Connection names (table rows, budgets) open that connection in the manager.
view.el('usage-app').addEventListener('click', (event) => {
  const target = (event.target as Element).closest<HTMLElement>('[data-open]');
  if (target?.dataset.open) send({ type: 'openConnection', connectionId: target.dataset.open });
});
window.addEventListener('message', (event: MessageEvent<HostToUsage>) => onMessage(event.data));

view.setStatus('Loading…');
send({ type: 'ready' });
// The host loads its default range on `ready`; a range kept from before asks for its own.
if (days !== DEFAULT_DAYS) send({ type: 'refresh', days });
