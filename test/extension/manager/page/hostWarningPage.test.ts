// @vitest-environment happy-dom
/**
 * The connection manager warns under the base URL, before saving, when the new URL is on another
 * host: the daemon will drop the stored key and secret header values (a key is bound to its host)
 * unless a new key is typed. A path change on the same host says nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../../../shared/protocol';
import type { HostToManager } from '../../../../shared/webview';
import { hostMoveWarning } from '../../../../extension/manager/page/form';
import { loadManagerPage, type ManagerPage } from './managerPage';
import { openai, savedConnection } from './fixtures';

const work = savedConnection({ isDefault: true, keySource: 'vault', keyHint: '…abcd' });

let page: ManagerPage;
const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const type = (sel: string, value: string) => {
  const input = $<HTMLInputElement>(sel);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
};

beforeEach(async () => {
  page = await loadManagerPage();
  page.send({ type: 'init', providers: [openai], connections: [work], selectId: 'c1' } as HostToManager);
});
afterEach(() => page.unload());

describe('the base URL host warning', () => {
  it('appears when the URL moves to another host, and goes when it comes back', () => {
    expect($('#baseUrl-warning').hidden).toBe(true);
    type('#baseUrl', 'https://evil.example/v1');
    expect($('#baseUrl-warning').hidden).toBe(false);
    expect($('#baseUrl-warning').textContent).toBe(
      'https://evil.example is another host than https://api.openai.com: saving drops the stored API key, since a key is bound to its host. Replace the key below to keep one.',
    );
    type('#baseUrl', 'https://api.openai.com/v2');
    expect($('#baseUrl-warning').hidden).toBe(true);
  });

  it('says nothing while a new key is typed, or for a connection without a key or secret headers', () => {
    expect(hostMoveWarning(work, 'https://other.example/v1', true)).toBeUndefined();
    expect(hostMoveWarning({ ...work, keySource: 'none' }, 'https://other.example/v1', false)).toBeUndefined();
    expect(
      hostMoveWarning({ ...work, keySource: 'none', secretHeaders: ['Helicone-Auth'] }, 'http://127.0.0.1:8080', false),
    ).toMatch(/drops the secret header values/);
    expect(hostMoveWarning(undefined, 'https://other.example/v1', false)).toBeUndefined();
    expect(hostMoveWarning(work, 'not a url', false)).toBeUndefined();
  });
});
