// @vitest-environment happy-dom
/**
 * #17 item 9 in the real manager page: Test Connection brings its results into view; Save right
 * after a failed test asks "Save anyway?" and then says what is still wrong, once; addresses in the
 * banner and test reasons are links; the chat's "Replace Key" opens the key field with the focus in
 * it; prices are set from the page.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Connection, Provider, TestResult } from '../../../../shared/protocol';
import type { HostToManager, ManagerToHost } from '../../../../shared/webview';
import { loadManagerPage, type ManagerPage } from './managerPage';
import { openai as openaiProvider, savedConnection } from './fixtures';

// A provider with a docs link: the page shows where to get a key.
const openai: Provider = { ...openaiProvider, docsUrl: 'https://platform.openai.com/api-keys' };
const work = savedConnection({ isDefault: true, keyHint: '…abcd', defaultModel: 'gpt-4o-mini' });
const rejected: TestResult = {
  status: 'error',
  summary: 'Key rejected (401)',
  testedAt: new Date().toISOString(),
  durationMs: 20,
  stages: [
    { name: 'connectivity', status: 'ok', ms: 3, reason: 'reachable' },
    {
      name: 'authentication',
      status: 'error',
      ms: 9,
      reason: 'The key was rejected (401). Check it at https://platform.openai.com/api-keys.',
    },
    { name: 'models', status: 'skipped', reason: 'skipped: the key was not accepted' },
    { name: 'latency', status: 'skipped', reason: 'not measured: the credentials were not accepted (connect 3 ms)' },
  ],
};

let page: ManagerPage;
const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const type = (sel: string, value: string) => {
  const input = $<HTMLInputElement>(sel);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
};
const last = <T extends ManagerToHost['type']>(kind: T) =>
  page.posted.filter((m): m is Extract<ManagerToHost, { type: T }> => m.type === kind).at(-1);
const submit = () =>
  $<HTMLFormElement>('#form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));

beforeEach(async () => {
  page = await loadManagerPage();
});
afterEach(() => {
  page.unload();
  vi.restoreAllMocks();
});

function openBlank(): void {
  page.send({ type: 'init', providers: [openai], connections: [work] } as HostToManager);
  page.send({ type: 'select', connectionId: null });
  type('#name', 'Local');
  type('#apiKey', 'sk-wrong-key-0123456789');
}

function failTest(): void {
  $('#test').click();
  const test = last('test')!;
  page.send({ type: 'testResult', requestId: test.requestId, result: rejected });
}

describe('Test Connection', () => {
  it('scrolls the results into view when the test starts and when its result comes', () => {
    const scrolled = vi.fn();
    HTMLElement.prototype.scrollIntoView = scrolled;
    openBlank();
    $('#test').click();
    expect(scrolled).toHaveBeenCalledTimes(1);
    page.send({ type: 'testResult', requestId: last('test')!.requestId, result: rejected });
    expect(scrolled).toHaveBeenCalledTimes(2);
    expect(scrolled.mock.contexts.every((el) => el === $('#test-section'))).toBe(true);
  });

  it('shows the address in a reason as a link', () => {
    openBlank();
    failTest();
    const link = $('[data-stage="authentication"] .stage-reason a');
    expect(link.getAttribute('href')).toBe('https://platform.openai.com/api-keys');
    expect($('[data-stage="latency"]').dataset.status).toBe('skipped');
  });
});

describe('Save after a failed test', () => {
  it('asks "Save anyway?" first, saves when told to, and then says the key was rejected, once', () => {
    openBlank();
    failTest();
    submit();
    expect(last('create')).toBeUndefined();
    expect($('#save-confirm').hidden).toBe(false);
    expect($('#save-confirm-text').textContent).toBe('The test just failed: the key was rejected. Save anyway?');
    expect(document.activeElement).toBe($('#save-anyway'));
    $('#save-anyway').click();
    const create = last('create')!;
    expect(create.fields.name).toBe('Local');
    expect($('#save-confirm').hidden).toBe(true);
    page.send({
      type: 'saved',
      requestId: create.requestId,
      connection: { ...work, id: 'c2', name: 'Local', isDefault: false },
    });
    expect($('#form-status').textContent).toBe('Saved "Local" — but the key was rejected.');
    expect($('#banner').hidden).toBe(true);
  });

  it('saves nothing on Cancel, and does not ask once the key is changed', () => {
    openBlank();
    failTest();
    submit();
    $('#save-cancel').click();
    expect($('#save-confirm').hidden).toBe(true);
    expect(last('create')).toBeUndefined();
    type('#apiKey', 'sk-another-key-0123456789');
    submit();
    expect($('#save-confirm').hidden).toBe(true);
    expect(last('create')).toBeDefined();
  });

  it('does not ask after a test that passed', () => {
    openBlank();
    $('#test').click();
    page.send({
      type: 'testResult',
      requestId: last('test')!.requestId,
      result: { ...rejected, status: 'ok', summary: 'Works', stages: [] },
    });
    submit();
    expect(last('create')).toBeDefined();
  });
});

describe('errors in the banner', () => {
  it('says a hint that repeats the message only once, with its address as a link', () => {
    openBlank();
    submit();
    const create = last('create')!;
    const message = 'OpenAI rejected the key. Check it at https://platform.openai.com/api-keys.';
    page.send({
      type: 'error',
      requestId: create.requestId,
      error: { message, hint: 'Check it at https://platform.openai.com/api-keys.' },
    });
    expect($('#banner').textContent).toBe(message);
    expect($('#banner a').getAttribute('href')).toBe('https://platform.openai.com/api-keys');
  });
});

describe('"Replace Key" from the chat', () => {
  it('opens the connection with the key field shown and focused', () => {
    page.send({ type: 'init', providers: [openai], connections: [work] } as HostToManager);
    page.send({ type: 'select', connectionId: 'c1', replaceKey: true });
    expect($('#key-entry').hidden).toBe(false);
    expect($('#key-saved').hidden).toBe(true);
    expect(document.activeElement).toBe($('#apiKey'));
  });
});

describe('Prices', () => {
  it("loads the provider's prices when opened, sets one, and drops it again", () => {
    page.send({ type: 'init', providers: [openai], connections: [work], selectId: 'c1' } as HostToManager);
    const details = $<HTMLDetailsElement>('#prices');
    details.open = true;
    details.dispatchEvent(new Event('toggle'));
    expect(last('loadPrices')).toEqual({ type: 'loadPrices', provider: 'openai' });
    expect($<HTMLInputElement>('#price-model').value).toBe('gpt-4o-mini');
    page.send({
      type: 'prices',
      provider: 'openai',
      prices: [{ provider: 'openai', model: 'gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6, source: 'catalog' }],
    });
    expect($('#price-list').textContent).toContain('gpt-4o-mini: $0.15 in / $0.60 out per 1M tokens (built in)');

    $<HTMLInputElement>('#price-input').value = 'cheap';
    $<HTMLFormElement>('#price-form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    expect(last('setPrice')).toBeUndefined();
    expect($('#price-error').hidden).toBe(false);
    expect($('#price-input').getAttribute('aria-invalid')).toBe('true');

    $<HTMLInputElement>('#price-input').value = '0.2';
    $<HTMLInputElement>('#price-output').value = '0.8';
    $<HTMLFormElement>('#price-form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    const set = last('setPrice')!;
    expect(set).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      price: { inputPerMTok: 0.2, outputPerMTok: 0.8 },
    });
    expect($<HTMLButtonElement>('#price-set').disabled).toBe(true);
    page.send({
      type: 'prices',
      provider: 'openai',
      requestId: set.requestId,
      prices: [{ provider: 'openai', model: 'gpt-4o-mini', inputPerMTok: 0.2, outputPerMTok: 0.8, source: 'user' }],
    });
    expect($<HTMLButtonElement>('#price-set').disabled).toBe(false);
    expect($('#price-status').textContent).toBe('Price saved. Costs of new requests use it.');
    expect($('#price-list').textContent).toContain('(yours)');
    $<HTMLButtonElement>('#price-list button').click();
    expect(last('setPrice')).toMatchObject({ model: 'gpt-4o-mini', price: null });
  });
});
