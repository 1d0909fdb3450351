// @vitest-environment happy-dom
/**
 * #17 item 10: no internal word reaches a person. The rendered manager page, the chat's errors for
 * what the daemon, the client and the transport really say, the budget notification and the status
 * bar's failure text are scanned for `npm start`, WebSocket close codes, protocol method names and
 * error codes such as RATE_LIMITED or BUDGET_EXCEEDED.
 */
import { describe, expect, it } from 'vitest';
import { DaemonUnavailableError } from '../../shared/client';
import { START_HINT, timeoutError } from '../../shared/client/errors';
import { SwitchboardError } from '../../shared/protocol';
import { actionsFor, errorText, toChatError } from '../../extension/chat/chatErrors';
import { toManagerError } from '../../extension/manager/managerHost';
import { renderPage } from '../../extension/manager/managerHtml';
import { budgetWarningMessage } from '../../extension/usage/budgetMessage';
import { forPeople, INTERNAL_WORDS } from '../../extension/userWords';

/** Every internal word found in `text` (empty when it reads as a person would say it). */
function internal(text: string): string[] {
  return INTERNAL_WORDS.flatMap((w) => text.match(w) ?? []);
}

/** What the daemon, the shared client and the transport really send, as the UI would receive it. */
const REAL_ERRORS = [
  new DaemonUnavailableError('not-running', 'No Switchboard daemon answers on /home/u/.switchboard.', START_HINT),
  timeoutError('chat/stream', 120_000),
  new Error('The connection to the daemon closed (code 1006).'),
  new SwitchboardError(
    'BUDGET_EXCEEDED',
    'Connection "Work" is over its monthly budget ($10.00 of $10.00); requests fail with BUDGET_EXCEEDED.',
    { hint: 'Raise the budget or wait for the period to reset.' },
  ),
  new SwitchboardError('RATE_LIMITED', 'Local OpenAI is rate-limited (RATE_LIMITED): try again in 2 s.', {
    hint: 'Wait, or pick another connection.',
  }),
];

describe('text shown to a person holds no internal word', () => {
  it("the chat's errors, the notifications and the manager's banner", () => {
    for (const error of REAL_ERRORS) {
      const chat = errorText(toChatError(error));
      // What describeError (extension/log.ts, which needs vscode) builds for notifications and the status bar.
      const hint = (error as { data?: { hint?: string } }).data?.hint;
      const notification = forPeople(hint ? `${error.message} ${hint}` : error.message);
      const manager = toManagerError(error);
      for (const text of [chat, notification, manager.message, manager.hint ?? ''])
        expect(internal(text), text).toEqual([]);
    }
    expect(errorText(toChatError(REAL_ERRORS[0]))).toContain('Run "Switchboard: Restart Daemon".');
    expect(errorText(toChatError(REAL_ERRORS[1]))).toMatch(/did not answer within 120 s/);
  });

  it('the connection manager page as rendered', () => {
    const html = renderPage({ cspSource: 'vscode-resource:', nonce: 'n', scriptUri: 'm.js', styleUri: 'm.css' });
    document.body.innerHTML = /<body>([\s\S]*)<\/body>/.exec(html)![1]!.replace(/<script[\s\S]*?<\/script>/, '');
    expect(internal(document.body.textContent ?? '')).toEqual([]);
  });

  it('the budget notification', () => {
    const text = budgetWarningMessage({
      connectionId: 'c1',
      name: 'Work',
      period: 'month',
      amount: 10,
      spentUsd: 10.5,
      fraction: 1.05,
      unpricedRequests: 0,
    } as never);
    expect(internal(text)).toEqual([]);
  });

  it('says the words for a code that slipped into a sentence, and leaves ordinary text alone', () => {
    expect(forPeople('Backup was skipped (RATE_LIMITED).')).toBe('Backup was skipped (rate-limited).');
    expect(forPeople('Check it at https://platform.openai.com/api-keys.')).toBe(
      'Check it at https://platform.openai.com/api-keys.',
    );
  });
});

describe('a budget refusal', () => {
  it('offers no Retry: retrying cannot help until the budget resets or is raised', () => {
    expect(actionsFor('BUDGET_EXCEEDED')).not.toContain('retry');
    expect(actionsFor('BUDGET_EXCEEDED')).toContain('editConnection');
  });
});
