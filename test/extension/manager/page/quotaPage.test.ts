// @vitest-environment happy-dom
/**
 * The connection manager's "Quota now" (happy-dom, the real page and script): asked for when a saved
 * connection opens and on Refresh, each configured limit's use and what is left, near-limit lines
 * marked, answers for a connection no longer open dropped, and a failure said in the section.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionQuota } from '../../../../shared/protocol';
import type { ManagerToHost } from '../../../../shared/webview';
import { loadManagerPage, type ManagerPage } from './managerPage';
import { openai, savedConnection } from './fixtures';

const conn = savedConnection;
const work = conn({ capacity: [{ period: 'minute', requests: 10, tokens: 10_000 }] });
const other = conn({ id: 'c2', name: 'Other' });
const quota: ConnectionQuota = {
  connectionId: 'c1',
  name: 'Work',
  at: new Date().toISOString(),
  limits: [
    { period: 'minute', kind: 'requests', limit: 10, used: 9, remaining: 1, fraction: 0.9, fullInMs: 54_000 },
    { period: 'minute', kind: 'tokens', limit: 10_000, used: 1_200, remaining: 8_800, fraction: 0.12, fullInMs: 7_200 },
  ],
  provider: { observedAt: new Date().toISOString(), limits: [{ kind: 'requests', limit: 5000, remaining: 4000 }] },
};

let page: ManagerPage;
const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const quotaAsks = () =>
  page.posted.filter((m): m is Extract<ManagerToHost, { type: 'loadQuota' }> => m.type === 'loadQuota');
const lines = () => [...document.querySelectorAll('#quota-lines li')].map((li) => li.textContent);

beforeEach(async () => {
  page = await loadManagerPage();
  page.send({ type: 'init', providers: [openai], connections: [work, other], selectId: 'c1' });
});
afterEach(() => page.unload());

describe('Quota now', () => {
  it("asks for the open connection's quota and shows each configured limit, near-limit ones marked", () => {
    expect(quotaAsks().at(-1)).toEqual({ type: 'loadQuota', connectionId: 'c1' });
    expect($('#quota-status').textContent).toBe('Reading…');
    page.send({ type: 'quota', connectionId: 'c1', quota });
    expect(lines()).toEqual([
      'Requests per minute: 9 of 10 used (90%), 1 left, whole again in 54s — near the limit',
      'Tokens per minute: 1,200 of 10,000 used (12%), 8,800 left, whole again in 8s',
    ]);
    expect($('#quota-lines li').dataset.level).toBe('near');
    expect($('#quota-status').textContent).toMatch(
      /^As of today at \d\d:\d\d\. A warning shows when a limit passes 80%\.$/,
    );
  });

  it('reads it again on Refresh, and drops an answer for a connection no longer open', () => {
    const before = quotaAsks().length;
    // While a reading is on its way, Refresh waits for it.
    expect($<HTMLButtonElement>('#quota-refresh').disabled).toBe(true);
    page.send({ type: 'quota', connectionId: 'c1', quota });
    $<HTMLButtonElement>('#quota-refresh').click();
    expect(quotaAsks()).toHaveLength(before + 1);
    page.send({ type: 'select', connectionId: 'c2' });
    expect(quotaAsks().at(-1)).toEqual({ type: 'loadQuota', connectionId: 'c2' });
    page.send({ type: 'quota', connectionId: 'c1', quota });
    expect(lines()).toEqual([]);
    page.send({ type: 'quota', connectionId: 'c2', quota: { ...quota, connectionId: 'c2', limits: [] } });
    expect($('#quota-status').textContent).toBe('No capacity limits set: add one above to have Switchboard count it.');
  });

  it('says why it could not be read, and that a new connection has none yet', () => {
    page.send({ type: 'quota', connectionId: 'c1', error: 'The Switchboard daemon is not running.' });
    expect($('#quota-status').textContent).toBe('Could not read the quota: The Switchboard daemon is not running.');
    page.send({ type: 'select', connectionId: null });
    expect($('#quota-status').textContent).toBe('Shown once the connection is saved.');
    expect($<HTMLButtonElement>('#quota-refresh').hidden).toBe(true);
  });
});
