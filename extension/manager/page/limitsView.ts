/**
 * DOM for the "Limits & budget" section: the capacity and fallback rows (add, remove, reorder), the
 * queue-wait field that only shows while queueing, and the provider's reported limits. Rows are drawn
 * from data and read back from the inputs; listeners are delegated once on the containers, never
 * attached by the builders. Text goes in through textContent only.
 */
import { formatWhen } from '../../../shared/format';
import type { Connection } from '../../../shared/protocol';
import {
  describeDiscovered,
  MAX_FALLBACKS,
  moveRow,
  nextPeriod,
  PERIODS,
  type CapacityRow,
  type FallbackRow,
} from './limits';

function el<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`connection manager page has no #${id}`);
  return found as T;
}

interface Choice {
  id: string;
  name: string;
  defaultModel?: string;
}
/** Connections a fallback may name: every saved one except the connection being edited. */
let choices: Choice[] = [];

export function setFallbackChoices(connections: readonly Connection[], selfId: string | undefined): void {
  choices = connections
    .filter((c) => c.id !== selfId)
    .map((c) => ({ id: c.id, name: c.name, ...(c.defaultModel && { defaultModel: c.defaultModel }) }));
  // Keep what the rows hold; only their option lists (names, deletions) change.
  renderFallbacks(readFallbacks());
}

export function readCapacity(): CapacityRow[] {
  return [...el('capacity').querySelectorAll<HTMLElement>('.limit-row')].map((row) => ({
    period: row.querySelector<HTMLSelectElement>('[data-key="period"]')!.value,
    requests: row.querySelector<HTMLInputElement>('[data-key="requests"]')!.value,
    tokens: row.querySelector<HTMLInputElement>('[data-key="tokens"]')!.value,
  }));
}

export function readFallbacks(): FallbackRow[] {
  return [...el('fallbacks').querySelectorAll<HTMLElement>('.fallback-row')].map((row) => ({
    connectionId: row.querySelector<HTMLSelectElement>('[data-key="connection"]')!.value,
    model: row.querySelector<HTMLInputElement>('[data-key="model"]')!.value,
  }));
}

export function renderCapacity(rows: CapacityRow[]): void {
  el('capacity').replaceChildren(
    ...rows.map((r, i) => {
      const row = document.createElement('div');
      row.className = 'limit-row';
      row.setAttribute('role', 'group');
      row.setAttribute('aria-label', `Limit ${i + 1}`);
      row.dataset.index = String(i);
      const period = document.createElement('select');
      period.append(...PERIODS.map((p) => new Option(p, p)));
      if (!PERIODS.includes(r.period as (typeof PERIODS)[number]))
        period.append(new Option(r.period || '(choose)', r.period));
      period.value = r.period;
      const requests = numberInput(r.requests, 'e.g. 60');
      const tokens = numberInput(r.tokens, 'e.g. 100000');
      row.append(
        ...labelled(`capacity-${i}-period`, 'Per', period, 'period'),
        ...labelled(`capacity-${i}-requests`, 'Requests', requests, 'requests'),
        ...labelled(`capacity-${i}-tokens`, 'Tokens', tokens, 'tokens'),
        actionButton('remove', 'Remove', `Remove limit ${i + 1}`),
      );
      return row;
    }),
  );
  el<HTMLButtonElement>('capacity-add').disabled = nextPeriod(rows) === undefined;
}

export function renderFallbacks(rows: FallbackRow[]): void {
  el('fallbacks').replaceChildren(
    ...rows.map((r, i) => {
      const row = document.createElement('div');
      row.className = 'fallback-row';
      row.setAttribute('role', 'group');
      row.setAttribute('aria-label', `Fallback ${i + 1}`);
      row.dataset.index = String(i);
      const order = document.createElement('span');
      order.className = 'order';
      order.setAttribute('aria-hidden', 'true');
      order.textContent = `${i + 1}.`;
      const select = document.createElement('select');
      select.append(new Option('Choose a connection…', ''), ...choices.map((c) => new Option(c.name, c.id)));
      // A fallback that is not a choice any more (deleted, or the connection itself) stays visible so validation can say so.
      if (r.connectionId !== '' && !choices.some((c) => c.id === r.connectionId))
        select.append(new Option('Unknown connection', r.connectionId));
      select.value = r.connectionId;
      const model = document.createElement('input');
      model.type = 'text';
      model.autocomplete = 'off';
      model.spellcheck = false;
      model.value = r.model;
      model.placeholder = modelPlaceholder(r.connectionId);
      const up = actionButton('up', '↑', `Move fallback ${i + 1} up`);
      const down = actionButton('down', '↓', `Move fallback ${i + 1} down`);
      up.disabled = i === 0;
      down.disabled = i === rows.length - 1;
      row.append(
        order,
        ...labelled(`fallbacks-${i}-connection`, 'Connection', select, 'connection'),
        ...labelled(`fallbacks-${i}-model`, 'Model', model, 'model'),
        up,
        down,
        actionButton('remove', 'Remove', `Remove fallback ${i + 1}`),
      );
      return row;
    }),
  );
  el<HTMLButtonElement>('fallbacks-add').disabled = rows.length >= MAX_FALLBACKS || choices.length === 0;
  el('fallbacks-none').hidden = choices.length > 0 || rows.length > 0;
}

function modelPlaceholder(connectionId: string): string {
  const model = choices.find((c) => c.id === connectionId)?.defaultModel;
  return model ? `default: ${model}` : 'its default model';
}

function numberInput(value: string, placeholder: string): HTMLInputElement {
  const input = document.createElement('input');
  // Text, not number: "1,000" or a typo must reach validation as typed, not as an empty value.
  input.type = 'text';
  input.inputMode = 'numeric';
  input.autocomplete = 'off';
  input.placeholder = placeholder;
  input.value = value;
  return input;
}

function labelled(
  id: string,
  text: string,
  control: HTMLInputElement | HTMLSelectElement,
  key: string,
): [HTMLLabelElement, HTMLElement] {
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = text;
  control.id = id;
  control.dataset.key = key;
  const group = id.startsWith('capacity') ? 'capacity' : 'fallbacks';
  control.setAttribute('aria-describedby', `${group}-error`);
  return [label, control];
}

function actionButton(action: string, text: string, ariaLabel: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'secondary row-action';
  b.dataset.action = action;
  b.textContent = text;
  b.setAttribute('aria-label', ariaLabel);
  return b;
}

/** The queue-wait field only matters (and only shows) while queueing. */
export function showQueueWait(onLimit: string): void {
  el('maxQueueWaitSeconds-field').hidden = onLimit !== 'queue';
}

/** The provider's reported limits beside the configured ones; "Not reported yet" until it sends some. */
export function renderDiscovered(c: Connection | undefined, now = new Date()): void {
  const d = describeDiscovered(c?.discoveredCapacity, now);
  el('discovered-observed').textContent = d
    ? d.observed
    : c
      ? 'Not reported yet: shown after a request through this connection.'
      : 'Not reported yet: shown once the connection is saved and used.';
  el('discovered-lines').replaceChildren(
    ...(d?.lines ?? []).map((text) => {
      const li = document.createElement('li');
      li.textContent = text;
      return li;
    }),
  );
  const observedAt = c?.discoveredCapacity?.observedAt;
  el('discovered-observed').title = observedAt ? formatWhen(observedAt) : '';
}

/** Wires add/remove/reorder once; `onChange` runs after every change of the rows (to persist). */
export function wireLimits(onChange: () => void): void {
  el('capacity-add').addEventListener('click', () => {
    const rows = readCapacity();
    const period = nextPeriod(rows);
    if (!period) return;
    renderCapacity([...rows, { period, requests: '', tokens: '' }]);
    el(`capacity-${rows.length}-requests`).focus();
    onChange();
  });
  el('capacity').addEventListener('click', (event) => {
    const index = actionIndex(event, 'remove');
    if (index === undefined) return;
    const rows = readCapacity().filter((_, i) => i !== index);
    renderCapacity(rows);
    focusAfterRemove('capacity', rows.length, index, 'capacity-add');
    onChange();
  });
  el('fallbacks-add').addEventListener('click', () => {
    const rows = readFallbacks();
    renderFallbacks([...rows, { connectionId: '', model: '' }]);
    el(`fallbacks-${rows.length}-connection`).focus();
    onChange();
  });
  el('fallbacks').addEventListener('click', (event) => {
    const target = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
    const index = Number(target?.closest<HTMLElement>('.fallback-row')?.dataset.index);
    if (!target || !Number.isInteger(index)) return;
    const rows = readFallbacks();
    const action = target.dataset.action;
    if (action === 'remove') {
      renderFallbacks(rows.filter((_, i) => i !== index));
      focusAfterRemove('fallbacks', rows.length - 1, index, 'fallbacks-add');
    } else if (action === 'up' || action === 'down') {
      const to = index + (action === 'up' ? -1 : 1);
      renderFallbacks(moveRow(rows, index, action === 'up' ? -1 : 1));
      // Keep the keyboard on the moved row: the same button, or its select once it reached an end.
      const moved = el('fallbacks').querySelector<HTMLElement>(`.fallback-row[data-index="${to}"]`);
      const same = moved?.querySelector<HTMLButtonElement>(`button[data-action="${action}"]`);
      (same && !same.disabled ? same : moved?.querySelector<HTMLElement>('select'))?.focus();
    }
    onChange();
  });
  // A chosen fallback's default model shows as the model field's placeholder.
  el('fallbacks').addEventListener('change', (event) => {
    const select = event.target as HTMLSelectElement;
    if (select.dataset.key !== 'connection') return;
    const model = select.closest('.fallback-row')?.querySelector<HTMLInputElement>('[data-key="model"]');
    if (model) model.placeholder = modelPlaceholder(select.value);
  });
  el('onLimit').addEventListener('change', (event) => showQueueWait((event.target as HTMLSelectElement).value));
}

function actionIndex(event: Event, action: string): number | undefined {
  const target = (event.target as Element).closest<HTMLElement>(`button[data-action="${action}"]`);
  const index = Number(target?.closest<HTMLElement>('[data-index]')?.dataset.index);
  return target && Number.isInteger(index) ? index : undefined;
}

/** After a removal, focus the row that took its place, the one above, or the Add button. */
function focusAfterRemove(list: 'capacity' | 'fallbacks', remaining: number, index: number, addId: string): void {
  const next = Math.min(index, remaining - 1);
  const row = next >= 0 ? el(list).querySelector<HTMLElement>(`[data-index="${next}"]`) : null;
  (row?.querySelector<HTMLElement>('button[data-action="remove"]') ?? el(addId)).focus();
}
