import { describe, expect, it } from 'vitest';
import { DaemonUnavailableError, RpcError } from '../../../shared/client';
import { SwitchboardError } from '../../../shared/protocol';
import { actionsFor, toChatError } from '../../../extension/chat/chatErrors';

describe('chat error actions', () => {
  it.each([
    ['INVALID_API_KEY', ['replaceKey', 'selectConnection']],
    ['SECRET_MISSING', ['replaceKey', 'selectConnection']],
    ['UNREACHABLE', ['retry', 'testConnection', 'selectConnection']],
    ['TIMEOUT', ['retry', 'testConnection', 'selectConnection']],
    ['UPSTREAM_ERROR', ['retry', 'testConnection', 'selectConnection']],
    ['INCOMPLETE', ['retry', 'testConnection', 'selectConnection']],
    ['RATE_LIMITED', ['retry', 'selectConnection']],
    ['BUDGET_EXCEEDED', ['selectConnection', 'editConnection']],
    ['MODEL_NOT_FOUND', ['selectConnection', 'editConnection']],
    ['MODEL_NOT_ALLOWED', ['selectConnection', 'editConnection']],
    ['NO_CONNECTION', ['selectConnection']],
    ['CONNECTION_NOT_FOUND', ['selectConnection']],
    ['DAEMON_UNAVAILABLE', ['retry']],
  ])('offers for %s: %j', (code, actions) => {
    expect(actionsFor(code)).toEqual(actions);
  });

  it("keeps the daemon's code, message and hint", () => {
    const e = new SwitchboardError('MODEL_NOT_FOUND', 'OpenAI does not know "gpt-x".', {
      hint: 'Pick another model.',
      model: 'gpt-x',
    });
    expect(toChatError(e)).toEqual({
      code: 'MODEL_NOT_FOUND',
      message: 'OpenAI does not know "gpt-x".',
      hint: 'Pick another model.',
      actions: ['selectConnection', 'editConnection'],
    });
  });

  it('tells a daemon that is gone apart from a provider that is unreachable', () => {
    const gone = new DaemonUnavailableError('closed', 'The connection to the daemon closed.', 'Reconnecting.');
    expect(gone.code).toBe('UNREACHABLE');
    expect(toChatError(gone)).toMatchObject({ code: 'DAEMON_UNAVAILABLE', actions: ['retry'] });
  });

  it('offers nothing to retry for a protocol fault, and retry for anything unknown', () => {
    expect(toChatError(new RpcError(-32602, 'Invalid params'))).toEqual({
      code: '-32602',
      message: 'Invalid params',
      actions: [],
    });
    expect(toChatError(new Error('boom'))).toMatchObject({ code: 'INTERNAL', message: 'boom', actions: ['retry'] });
  });
});
