// @vitest-environment happy-dom
/**
 * The connection manager's secret headers on the real page and script (happy-dom): a saved secret
 * header shows as a password input that is empty ("stored securely"), Save sends the mask back when
 * it is untouched, a typed value replaces it, Remove drops it, and no typed credential reaches the
 * webview state VS Code writes to disk.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRET_HEADER_MASK, type Connection } from '../../../../shared/protocol';
import type { HostToManager, ManagerToHost } from '../../../../shared/webview';
import { loadManagerPage, type ManagerPage } from './managerPage';
import { openai, savedConnection } from './fixtures';

const gateway: Connection = savedConnection({
  name: 'Gateway',
  keyHint: '…abcd',
  keyAvailable: false,
  headers: { 'X-Team': 'blue', 'Helicone-Auth': SECRET_HEADER_MASK },
  secretHeaders: ['Helicone-Auth'],
});

let page: ManagerPage;
let posted: ManagerToHost[];
let states: unknown[];

const send = (msg: HostToManager) => page.send(msg);
const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const save = () => $<HTMLFormElement>('#form').dispatchEvent(new Event('submit', { cancelable: true }));
const type = (sel: string, value: string) => {
  const input = $<HTMLInputElement | HTMLTextAreaElement>(sel);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
};
const lastFields = () => (posted.at(-1) as Extract<ManagerToHost, { type: 'update' }>).fields;

beforeEach(async () => {
  page = await loadManagerPage();
  ({ posted, states } = page);
  send({ type: 'init', providers: [openai], connections: [gateway], selectId: 'c1' });
});
afterEach(() => page.unload());

describe('secret headers in the connection manager', () => {
  it('shows a saved secret header as an empty password input, "stored securely", outside the header text', () => {
    expect($<HTMLTextAreaElement>('#headers').value).toBe('X-Team: blue');
    const input = $<HTMLInputElement>('#secret-header-0');
    expect(input.type).toBe('password');
    expect(input.placeholder).toBe('stored securely');
    expect(input.value).toBe('');
    expect($('label[for="secret-header-0"]').textContent).toBe('Helicone-Auth');
    expect($('#secret-headers').hidden).toBe(false);
  });

  it('sends the mask back for an untouched secret when another header is edited', () => {
    type('#headers', 'X-Team: green');
    save();
    expect(lastFields()).toEqual({ id: 'c1', headers: { 'X-Team': 'green', 'Helicone-Auth': SECRET_HEADER_MASK } });
  });

  it('replaces the secret with a typed value, and keeps the typed value out of the page state', () => {
    type('#secret-header-0', 'Bearer sk-replaced-0123');
    type('#headers', 'X-Team: blue\nX-Portkey-Api-Key: pk-typed-0123');
    save();
    expect(lastFields().headers).toEqual({
      'X-Team': 'blue',
      'X-Portkey-Api-Key': 'pk-typed-0123',
      'Helicone-Auth': 'Bearer sk-replaced-0123',
    });
    expect(states.length).toBeGreaterThan(0);
    expect(JSON.stringify(states)).not.toMatch(/sk-replaced|pk-typed/);
  });

  it('removes a secret header with its Remove button and moves focus to the header text', () => {
    $<HTMLButtonElement>('#secret-headers button[data-action="remove"]').click();
    expect(document.querySelectorAll('.secret-header')).toHaveLength(0);
    expect($('#secret-headers').hidden).toBe(true);
    expect(document.activeElement?.id).toBe('headers');
    save();
    expect(lastFields()).toEqual({ id: 'c1', headers: { 'X-Team': 'blue' } });
  });

  it('says nothing changed when the secret was left as it was', () => {
    save();
    expect(posted.some((m) => m.type === 'update')).toBe(false);
    expect($('#form-status').textContent).toBe('Nothing to save: no field changed.');
  });
});
