// @vitest-environment happy-dom
/**
 * "Recent tests" in the connection manager: opening a saved connection asks the host for its test
 * history, the answer is drawn newest first with the time in words, the outcome with its stage, the
 * reason and what ran it; a new answer (the host sends one after every `connections/tested`)
 * replaces it; another connection's history is ignored; a new connection shows none. The "Audit
 * log" link asks the host to open the log of the connection being edited.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestHistoryEntry } from '../../../../shared/protocol';
import { historyLines, whenInWords } from '../../../../extension/manager/page/testHistory';
import { loadManagerPage, type ManagerPage } from './managerPage';
import { openai, savedConnection } from './fixtures';

const work = savedConnection({ isDefault: true, keySource: 'vault', keyHint: '…abcd' });
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const failed: TestHistoryEntry = {
  testedAt: minutesAgo(5),
  status: 'error',
  summary: 'Key rejected (401)',
  stage: 'authentication',
  reason: 'The key was rejected (401). Check it at https://platform.openai.com/api-keys.',
  durationMs: 40,
  trigger: 'scheduled',
};
const passed: TestHistoryEntry = {
  testedAt: minutesAgo(0),
  status: 'ok',
  summary: 'Works: 3 models, 20 ms',
  reason: 'Works: 3 models, 20 ms',
  durationMs: 30,
  trigger: 'manual',
};

let page: ManagerPage;
const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel)!;
const rows = () =>
  [...document.querySelectorAll('#history-list li')].map((li) =>
    [...li.querySelectorAll('span')].slice(1).map((s) => s.textContent),
  );

beforeEach(async () => {
  page = await loadManagerPage();
  page.send({ type: 'init', providers: [openai], connections: [work], selectId: 'c1' });
});
afterEach(() => page.unload());

describe('Recent tests in the connection manager', () => {
  it('asks for the history of the connection opened and shows it newest first, in words', () => {
    expect(page.posted).toContainEqual({ type: 'loadTestHistory', connectionId: 'c1' });
    expect($('#history-section').hidden).toBe(true);
    page.send({ type: 'testHistory', connectionId: 'c1', entries: [failed] });
    expect($('#history-section').hidden).toBe(false);
    expect($('#history-empty').hidden).toBe(true);
    expect(rows()).toEqual([['5 min ago', 'Failed at authentication (on schedule)', failed.reason]]);

    // The host sends it again after each test (connections/tested): the new line comes first.
    page.send({ type: 'testHistory', connectionId: 'c1', entries: [passed, failed] });
    expect(rows()).toEqual([
      ['just now', 'Passed (by hand)', passed.reason],
      ['5 min ago', 'Failed at authentication (on schedule)', failed.reason],
    ]);
    expect(document.querySelector<HTMLElement>('#history-list li')!.dataset.status).toBe('ok');
  });

  it("ignores another connection's history, says when there is none yet, and shows none for a new connection", () => {
    page.send({ type: 'testHistory', connectionId: 'c2', entries: [failed] });
    expect($('#history-section').hidden).toBe(true);
    page.send({ type: 'testHistory', connectionId: 'c1', entries: [] });
    expect($('#history-section').hidden).toBe(false);
    expect($('#history-empty').hidden).toBe(false);
    expect($('#history-empty').textContent).toMatch(/Not tested yet/);
    $('#add').click();
    expect($('#history-section').hidden).toBe(true);
  });

  it('opens the audit log of the connection being edited', () => {
    page.send({ type: 'testHistory', connectionId: 'c1', entries: [failed] });
    $('#show-audit').click();
    expect(page.posted.at(-1)).toEqual({ type: 'showAudit', connectionId: 'c1' });
  });
});

describe('test history lines', () => {
  const now = new Date('2026-12-06T15:00:00');
  it('say when in human words', () => {
    expect(whenInWords(new Date('2026-12-06T14:59:40').toISOString(), now)).toBe('just now');
    expect(whenInWords(new Date('2026-12-06T14:15:00').toISOString(), now)).toBe('45 min ago');
    expect(whenInWords(new Date('2026-12-06T11:00:00').toISOString(), now)).toBe('4 h ago');
    expect(whenInWords(new Date('2026-12-05T09:30:00').toISOString(), now)).toMatch(/^yesterday at 09.30/);
    expect(whenInWords(new Date('2026-12-02T09:30:00').toISOString(), now)).toBe('4 days ago');
    expect(whenInWords(new Date('2026-11-02T09:30:00').toISOString(), now)).toMatch(/^on (.*Nov.*|.*11.*) at 0?9.30/);
    expect(whenInWords('not a time', now)).toBe('at an unknown time');
  });

  it('show at most ten results, a warning with its stage, and what ran each', () => {
    const warn: TestHistoryEntry = { ...failed, status: 'warning', stage: 'latency', trigger: 'chat' };
    const lines = historyLines(
      Array.from({ length: 15 }, () => warn),
      now,
    );
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatchObject({ outcome: 'Passed with a warning at latency', by: 'during a chat' });
  });
});
