import { describe, expect, it } from 'vitest';
import { DaemonUnavailableError, SwitchboardError } from '../../../shared/client';
import { modelListReason } from '../../../extension/connections/modelListReason';

describe('modelListReason: why models could not be listed, in a phrase', () => {
  it("names the cause of a known code, not the provider's whole error", () => {
    const error = new SwitchboardError(
      'INVALID_API_KEY',
      'OpenAI rejected the API key (HTTP 401): {"error":{"message":"Incorrect API key provided: sk-…"}}',
      { hint: 'Replace the key.' },
    );
    expect(modelListReason(error)).toBe('its key was refused');
    expect(
      modelListReason(
        new SwitchboardError('TIMEOUT', 'No answer within 30 s from https://api.example.com/v1/models', {
          hint: 'Retry.',
        }),
      ),
    ).toBe('the provider did not answer in time');
  });

  it('says the daemon is not running when it cannot be reached', () => {
    expect(
      modelListReason(
        new DaemonUnavailableError('not-running', 'The Switchboard daemon is not running.', 'Run npm start.'),
      ),
    ).toBe('the Switchboard daemon is not running');
  });

  it('keeps the first sentence of an unknown error, without its JSON, cut to one line', () => {
    expect(modelListReason(new Error('Upstream said no. Details follow.'))).toBe('upstream said no');
    expect(modelListReason({ code: 'SOMETHING_NEW', message: 'HTTP 500 from the proxy {"trace":"abc"}' })).toBe(
      'HTTP 500 from the proxy',
    );
    const long = modelListReason(new Error(`The provider ${'really '.repeat(30)}failed`));
    expect(long.length).toBeLessThanOrEqual(81);
    expect(long.endsWith('…')).toBe(true);
    expect(modelListReason(undefined)).toMatch(/Show Daemon Log/);
  });
});
