// @vitest-environment happy-dom
/**
 * "Custom provider…" in the connection manager (#19): the provider list's last entry opens a small
 * form (name, base URL, format, auth header and prefix) that checks itself in the daemon's words,
 * saves through the host (`saveProvider`), and selects the saved provider for the connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Provider } from '../../../../shared/protocol';
import type { ManagerToHost } from '../../../../shared/webview';
import { CUSTOM_PROVIDER_OPTION, providerIdFor } from '../../../../extension/manager/page/customProvider';
import { authHeaderNameProblem } from '../../../../shared/rules/providerFields';
import { loadManagerPage, type ManagerPage } from './managerPage';
import { openai } from './fixtures';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function type(id: string, value: string): void {
  const input = $<HTMLInputElement>(id);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

function pick(value: string): void {
  const select = $<HTMLSelectElement>('provider');
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
}

const saves = (page: ManagerPage) =>
  page.posted.filter((m): m is Extract<ManagerToHost, { type: 'saveProvider' }> => m.type === 'saveProvider');

describe('providerIdFor', () => {
  it('makes an id from the name, numbered past the ids taken', () => {
    expect(providerIdFor('Acme Gateway', [])).toBe('acme-gateway');
    expect(providerIdFor('Acme Gateway', ['acme-gateway'])).toBe('acme-gateway-2');
    expect(providerIdFor('Café LLM!', [])).toBe('cafe-llm');
    expect(providerIdFor('★', [])).toBe('custom');
  });
});

describe('"Custom provider…" in the manager', () => {
  let page: ManagerPage;
  afterEach(() => page.unload());

  async function open(): Promise<void> {
    page = await loadManagerPage();
    page.send({ type: 'init', providers: [openai], connections: [] });
    const options = [...$<HTMLSelectElement>('provider').options].map((o) => o.textContent);
    expect(options).toEqual(['OpenAI', 'Custom provider…']);
    pick(CUSTOM_PROVIDER_OPTION);
  }

  it('opens a form from the provider list, which keeps showing the provider chosen before', async () => {
    await open();
    expect($('custom-provider').hidden).toBe(false);
    expect($<HTMLSelectElement>('provider').value).toBe('openai');
    expect($('cp-preview').textContent).toBe('The key will be sent as Authorization: Bearer <key>');
    $('cp-cancel').click();
    expect($('custom-provider').hidden).toBe(true);
  });

  it('checks its fields in the words the daemon uses, and sends nothing until they are right', async () => {
    await open();
    $('cp-save').click();
    expect($('cp-name-error').textContent).toContain('Give the provider a name');
    expect($('cp-baseUrl-error').textContent).toContain('Give the base URL');
    type('cp-name', 'Acme Gateway');
    type('cp-baseUrl', 'https://llm.acme.example/v1');
    type('cp-authHeader', 'api key');
    type('cp-authPrefix', 'My Token');
    $('cp-save').click();
    expect($('cp-authHeader-error').textContent!.toLowerCase()).toContain(
      authHeaderNameProblem('api key')!.toLowerCase(),
    );
    expect($('cp-authPrefix-error').textContent).toContain('one word without spaces');
    expect(saves(page)).toEqual([]);
  });

  it('saves the provider with its auth header through the host, then selects it for the connection', async () => {
    await open();
    type('cp-name', 'Acme Gateway');
    type('cp-baseUrl', 'https://llm.acme.example/v1');
    $<HTMLSelectElement>('cp-format').value = 'anthropic';
    type('cp-authHeader', 'api-key');
    type('cp-authPrefix', 'Token');
    expect($('cp-preview').textContent).toBe('The key will be sent as api-key: Token <key>');
    // Enter in a field saves the provider, not the connection around it.
    $('cp-authPrefix').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(page.posted.some((m) => m.type === 'create')).toBe(false);
    const [save] = saves(page);
    expect(save!.provider).toEqual({
      id: 'acme-gateway',
      name: 'Acme Gateway',
      adapter: 'anthropic',
      defaultBaseUrl: 'https://llm.acme.example/v1',
      requiresKey: true,
      authHeader: { name: 'api-key', prefix: 'Token' },
    });
    expect($<HTMLButtonElement>('cp-save').disabled).toBe(true);

    const saved: Provider = { ...save!.provider, builtIn: false };
    page.send({ type: 'providerSaved', requestId: save!.requestId, provider: saved, providers: [openai, saved] });
    expect($('custom-provider').hidden).toBe(true);
    expect($<HTMLSelectElement>('provider').value).toBe('acme-gateway');
    expect($<HTMLInputElement>('baseUrl').value).toBe('https://llm.acme.example/v1');
    expect($<HTMLInputElement>('name').value).toBe('Acme Gateway');
    expect($('form-status').textContent).toContain('Added provider "Acme Gateway"');
    expect($<HTMLButtonElement>('cp-save').disabled).toBe(false);
  });

  it("shows the daemon's refusal under the form", async () => {
    await open();
    type('cp-name', 'Acme');
    type('cp-baseUrl', 'https://llm.acme.example/v1');
    $('cp-save').click();
    const [save] = saves(page);
    page.send({
      type: 'error',
      requestId: save!.requestId,
      error: { message: 'The daemon refused it.', hint: 'Try another name.', code: 'VALIDATION' },
    });
    expect($('cp-error').hidden).toBe(false);
    expect($('cp-error').textContent).toContain('The daemon refused it.');
    expect($('custom-provider').hidden).toBe(false);
  });
});
