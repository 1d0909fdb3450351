// @vitest-environment happy-dom
/**
 * The connection manager's "Limits & budget" section on the real page and script (happy-dom): rows
 * added, removed and reordered by keyboard-reachable buttons, what Save sends, where errors land,
 * and the provider's reported limits beside the configured ones.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../../../shared/protocol';
import type { HostToManager, ManagerToHost } from '../../../../shared/webview';
import { loadManagerPage, type ManagerPage } from './managerPage';
import { openai, savedConnection } from './fixtures';

const conn = (over: Partial<Connection>) => savedConnection({ keyHint: '…abcd', keyAvailable: false, ...over });
const work = conn({
  capacity: [{ period: 'minute', requests: 60 }],
  budget: { period: 'month', amount: 10 },
  fallbacks: ['c2'],
  discoveredCapacity: {
    observedAt: new Date(Date.now() - 120_000).toISOString(),
    requestsLimit: 5000,
    requestsRemaining: 4990,
  },
});
const backup = conn({ id: 'c2', name: 'Backup', defaultModel: 'gpt-5.4' });
const local = conn({ id: 'c3', name: 'Local' });

let page: ManagerPage;
let posted: ManagerToHost[];

const send = (msg: HostToManager) => page.send(msg);
const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const click = (sel: string) => $(sel).click();
const rowsOf = (list: string) =>
  [...document.querySelectorAll(`#${list} > div`)].map((row) =>
    [...row.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')].map((c) => c.value),
  );
const save = () => $<HTMLFormElement>('#form').dispatchEvent(new Event('submit', { cancelable: true }));

beforeEach(async () => {
  page = await loadManagerPage();
  ({ posted } = page);
  send({ type: 'init', providers: [openai], connections: [work, backup, local], selectId: 'c1' });
});
afterEach(() => page.unload());

describe('Limits & budget', () => {
  it('shows the saved limits, budget and fallbacks, and the limits the provider reported', () => {
    expect(rowsOf('capacity')).toEqual([['minute', '60', '']]);
    expect($<HTMLInputElement>('#budgetAmount').value).toBe('10');
    expect(rowsOf('fallbacks')).toEqual([['c2', '']]);
    // The connection itself is not offered as its own fallback.
    expect(
      [...document.querySelectorAll<HTMLOptionElement>('#fallbacks-0-connection option')].map((o) => o.textContent),
    ).toEqual(['Choose a connection…', 'Backup', 'Local']);
    expect($<HTMLInputElement>('#fallbacks-0-model').placeholder).toBe('default: gpt-5.4');
    expect($('#discovered-observed').textContent).toBe('Observed 2 min ago');
    expect($('#discovered-lines').textContent).toBe('Requests: 4,990 of 5,000 left');
    expect($('#maxQueueWaitSeconds-field').hidden).toBe(true);
  });

  it('says "Not reported yet" for a connection the provider has not reported on', () => {
    send({ type: 'select', connectionId: 'c2' });
    expect($('#discovered-observed').textContent).toMatch(/^Not reported yet/);
    expect($('#discovered-lines').children).toHaveLength(0);
  });

  it('adds a limit for the next free period and focuses it, up to one per period', () => {
    click('#capacity-add');
    expect(rowsOf('capacity')).toEqual([
      ['minute', '60', ''],
      ['hour', '', ''],
    ]);
    expect(document.activeElement?.id).toBe('capacity-1-requests');
    click('#capacity-add');
    expect(rowsOf('capacity').map((r) => r[0])).toEqual(['minute', 'hour', 'day']);
    expect($<HTMLButtonElement>('#capacity-add').disabled).toBe(true);
    click('#capacity [data-index="0"] button[data-action="remove"]');
    expect(rowsOf('capacity').map((r) => r[0])).toEqual(['hour', 'day']);
    expect($<HTMLButtonElement>('#capacity-add').disabled).toBe(false);
  });

  it('reorders fallbacks and keeps focus on the moved row', () => {
    click('#fallbacks-add');
    $<HTMLSelectElement>('#fallbacks-1-connection').value = 'c3';
    $<HTMLInputElement>('#fallbacks-1-model').value = 'llama3.2';
    click('#fallbacks [data-index="1"] button[data-action="up"]');
    expect(rowsOf('fallbacks')).toEqual([
      ['c3', 'llama3.2'],
      ['c2', ''],
    ]);
    // The row reached the top, so "up" is disabled; focus goes to its connection.
    expect(document.activeElement?.id).toBe('fallbacks-0-connection');
    expect($<HTMLButtonElement>('#fallbacks [data-index="0"] button[data-action="up"]').disabled).toBe(true);
  });

  it('saves only what changed, with null for what was cleared', () => {
    click('#capacity [data-index="0"] button[data-action="remove"]');
    $<HTMLInputElement>('#budgetAmount').value = '';
    click('#fallbacks-add');
    $<HTMLSelectElement>('#fallbacks-1-connection').value = 'c3';
    $<HTMLInputElement>('#fallbacks-1-model').value = 'llama3.2';
    $<HTMLSelectElement>('#onLimit').value = 'queue';
    $<HTMLInputElement>('#maxQueueWaitSeconds').value = '20';
    save();
    expect(posted.at(-1)).toEqual({
      type: 'update',
      requestId: expect.any(Number),
      fields: {
        id: 'c1',
        capacity: null,
        onLimit: 'queue',
        maxQueueWaitMs: 20_000,
        budget: null,
        fallbacks: ['c2', 'c3'],
        fallbackModels: { c3: 'llama3.2' },
      },
    });
  });

  it('keeps the section open after a save, showing what was saved', () => {
    $<HTMLDetailsElement>('#limits').open = true;
    $<HTMLInputElement>('#budgetAmount').value = '25';
    save();
    const request = posted.at(-1) as Extract<ManagerToHost, { type: 'update' }>;
    send({
      type: 'saved',
      requestId: request.requestId,
      connection: { ...work, budget: { period: 'month', amount: 25 } },
    });
    expect($('#form-status').textContent).toBe('Saved "Work".');
    expect($<HTMLDetailsElement>('#limits').open).toBe(true);
    expect($<HTMLInputElement>('#budgetAmount').value).toBe('25');
  });

  it('shows the wait only while queueing', () => {
    const onLimit = $<HTMLSelectElement>('#onLimit');
    onLimit.value = 'queue';
    onLimit.dispatchEvent(new Event('change', { bubbles: true }));
    expect($('#maxQueueWaitSeconds-field').hidden).toBe(false);
  });

  it('marks and focuses the row input at fault, opening the section', () => {
    click('#fallbacks-add');
    save();
    expect(posted.some((m) => m.type === 'update')).toBe(false);
    expect($('#fallbacks-error').textContent).toBe('Fallback 2: choose a connection, or remove the row.');
    expect($('#fallbacks-1-connection').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement?.id).toBe('fallbacks-1-connection');
    expect($<HTMLDetailsElement>('#limits').open).toBe(true);
  });

  it('puts a daemon error about the budget next to the budget', () => {
    $<HTMLInputElement>('#budgetAmount').value = '12';
    save();
    const request = posted.at(-1) as Extract<ManagerToHost, { type: 'update' }>;
    send({
      type: 'error',
      requestId: request.requestId,
      error: { message: 'Must be more than 0', code: '-32602', field: 'budget.amount' },
    });
    expect($('#budgetAmount-error').textContent).toBe('Must be more than 0');
    expect(document.activeElement?.id).toBe('budgetAmount');
  });

  it('keeps the rows when another client renames a fallback connection', () => {
    send({ type: 'connections', connections: [work, { ...backup, name: 'Spare' }, local] });
    expect(rowsOf('fallbacks')).toEqual([['c2', '']]);
    expect($<HTMLSelectElement>('#fallbacks-0-connection').selectedOptions[0]!.textContent).toBe('Spare');
  });
});
