// @vitest-environment happy-dom
/**
 * The manager page with an AWS Bedrock provider: the AWS fields show for the chosen credentials, the
 * key field becomes the secret access key (or goes for a profile), and neither secret is ever put
 * in the page's saved state (which VS Code writes to disk).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Provider } from '../../../../shared/protocol';
import type { HostToManager, ManagerToHost } from '../../../../shared/webview';
import { loadManagerPage, type ManagerPage } from './managerPage';
import { openai } from './fixtures';

const bedrock: Provider = {
  id: 'bedrock',
  name: 'AWS Bedrock',
  adapter: 'bedrock',
  defaultBaseUrl: 'https://bedrock-runtime.{region}.amazonaws.com',
  requiresKey: true,
  builtIn: true,
};
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARY01';
const TOKEN = 'FwoGZXIvYXdzCANARYSESSIONTOKEN02';

let page: ManagerPage;
const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const set = (sel: string, value: string, event = 'input') => {
  const input = $<HTMLInputElement>(sel);
  input.value = value;
  input.dispatchEvent(new Event(event, { bubbles: true }));
};

beforeEach(async () => {
  page = await loadManagerPage();
  page.send({ type: 'init', providers: [openai, bedrock], connections: [] } as HostToManager);
  page.send({ type: 'select', connectionId: null });
});
afterEach(() => page.unload());

describe('a Bedrock connection in the manager', () => {
  it("shows the AWS fields, fills the region's endpoint and names the key field after the credentials", () => {
    expect($('#aws').hidden).toBe(true);
    set('#provider', 'bedrock', 'change');
    expect($('#aws').hidden).toBe(false);
    expect($<HTMLInputElement>('#baseUrl').value).toBe('https://bedrock-runtime.us-east-1.amazonaws.com');
    expect($('#apiKey-field label').textContent).toBe('Secret access key');
    expect($('#awsSessionToken-field').hidden).toBe(false);
    set('#awsRegion', 'eu-west-1');
    expect($<HTMLInputElement>('#baseUrl').value).toBe('https://bedrock-runtime.eu-west-1.amazonaws.com');
    set('#awsAuth', 'profile', 'change');
    expect($('#apiKey-field').hidden).toBe(true);
    expect($('#awsProfile-field').hidden).toBe(false);
    expect($('#awsAccessKeyId-field').hidden).toBe(true);
    set('#awsAuth', 'apiKey', 'change');
    expect($('#apiKey-field label').textContent).toBe('Bedrock API key');
  });

  it('sends both secrets with the create, and keeps neither in the saved state', () => {
    set('#provider', 'bedrock', 'change');
    set('#name', 'Bedrock');
    set('#awsAccessKeyId', 'AKIAIOSFODNN7EXAMPLE');
    set('#apiKey', SECRET);
    set('#awsSessionToken', TOKEN);
    $<HTMLFormElement>('#form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    const create = page.posted.find((m): m is Extract<ManagerToHost, { type: 'create' }> => m.type === 'create')!;
    expect(create.apiKey).toBe(SECRET);
    expect(create.fields.aws).toEqual({
      region: 'us-east-1',
      auth: 'accessKeys',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      sessionToken: TOKEN,
    });
    const states = JSON.stringify(page.states);
    expect(states).not.toContain(SECRET);
    expect(states).not.toContain(TOKEN);
  });
});
