/**
 * A chat whose key the upstream rejected (401) says what a connection test would: the connection
 * is failing at authentication. Its result is stored as the connection's last test (and announced
 * with `connections/tested`), so the manager, the CLI's list and the status bar show the
 * connection as failing without waiting for the next scheduled test.
 */

import type { Provider, TestResult } from '../../shared/protocol';

export function keyRejectedInChat(
  provider: Pick<Provider, 'name' | 'docsUrl' | 'keyFormatHint'>,
  hadKey: boolean,
): TestResult {
  const checkAt = provider.docsUrl ? `Check it at ${provider.docsUrl}.` : `Check it with ${provider.name}.`;
  const reason = hadKey
    ? `The key was rejected (401) during a chat. ${checkAt}${provider.keyFormatHint ? ` ${provider.name} keys: ${provider.keyFormatHint}.` : ''}`
    : `The server asked for a key (401) during a chat and this connection has none: add one to the connection.`;
  const skipped = 'skipped: seen during a chat; run a test for the full picture';
  return {
    status: 'error',
    summary: hadKey ? 'Key rejected (401) during a chat' : 'Key required (401) during a chat',
    testedAt: new Date().toISOString(),
    durationMs: 0,
    stages: [
      { name: 'connectivity', status: 'ok', reason: `${provider.name} answered.` },
      { name: 'authentication', status: 'error', reason },
      { name: 'models', status: 'skipped', reason: skipped },
      { name: 'latency', status: 'skipped', reason: skipped },
      { name: 'completion', status: 'skipped', reason: skipped },
    ],
  };
}
