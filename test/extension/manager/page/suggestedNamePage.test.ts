// @vitest-environment happy-dom
/**
 * Onboarding (#17 item 8): a new connection's name starts as its provider's, numbered past the names
 * taken, and follows the provider until the person types one of their own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection, Provider } from '../../../../shared/protocol';
import type { HostToManager } from '../../../../shared/webview';
import { nameAfterProviderChange, suggestedName } from '../../../../extension/manager/page/suggestedName';
import { loadManagerPage, type ManagerPage } from './managerPage';

const provider = (id: string, name: string, defaultBaseUrl: string): Provider => ({
  id,
  name,
  adapter: 'openai',
  defaultBaseUrl,
  requiresKey: true,
  builtIn: true,
});
const openai = provider('openai', 'OpenAI', 'https://api.openai.com/v1');
const groq = provider('groq', 'Groq', 'https://api.groq.com/openai/v1');
const saved = (name: string): Connection => ({
  id: name,
  name,
  provider: 'openai',
  baseUrl: openai.defaultBaseUrl,
  timeoutMs: 60_000,
  maxRetries: 2,
  isDefault: false,
  keySource: 'vault',
  keyAvailable: true,
  createdAt: '',
  updatedAt: '',
});

describe('suggestedName', () => {
  it("is the provider's name, numbered past the names taken (any case)", () => {
    expect(suggestedName('OpenAI', [])).toBe('OpenAI');
    expect(suggestedName('OpenAI', [{ name: 'openai' }, { name: 'OpenAI 2' }])).toBe('OpenAI 3');
  });

  it('follows the provider only while untouched', () => {
    expect(nameAfterProviderChange('', undefined, 'Groq', [])).toBe('Groq');
    expect(nameAfterProviderChange('OpenAI', 'OpenAI', 'Groq', [])).toBe('Groq');
    expect(nameAfterProviderChange('My work key', 'OpenAI', 'Groq', [])).toBe('My work key');
  });
});

describe("the manager's add form", () => {
  let page: ManagerPage;
  afterEach(() => page.unload());

  it("starts with the provider's name and changes it with the provider, not after the person typed one", async () => {
    page = await loadManagerPage();
    page.send({ type: 'init', providers: [openai, groq], connections: [saved('OpenAI')] } as HostToManager);
    const name = document.querySelector<HTMLInputElement>('#name')!;
    const select = document.querySelector<HTMLSelectElement>('#provider')!;
    expect(name.value).toBe('OpenAI 2');
    select.value = 'groq';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    expect(name.value).toBe('Groq');
    name.value = 'Fast one';
    select.value = 'openai';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    expect(name.value).toBe('Fast one');
  });
});
