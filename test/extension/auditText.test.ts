/** The audit log document of "Switchboard: Show Audit Log": entries in words, newest first, tests and refused keys spelled out. */
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/protocol';
import { auditText } from '../../extension/audit/auditText';

const now = new Date('2026-12-06T15:00:00Z');
const entries: AuditEntry[] = [
  {
    at: '2026-12-06T14:00:00.000Z',
    client: 'vscode',
    action: 'update',
    connectionId: 'c1',
    name: 'Work',
    details: { fields: ['baseUrl', 'timeoutMs'] },
  },
  {
    at: '2026-12-06T14:50:00.000Z',
    client: 'scheduler',
    action: 'connectionTest',
    connectionId: 'c1',
    name: 'Work',
    details: {
      trigger: 'scheduled',
      status: 'error',
      stage: 'authentication',
      reason: 'The key was rejected (401).',
      durationMs: 41,
    },
  },
  {
    at: '2026-12-06T14:59:50.000Z',
    client: 'http',
    action: 'keyRejected',
    connectionId: 'c1',
    name: 'Work',
    details: { status: 403, surface: 'POST /v1/chat/completions', model: 'gpt-5.4' },
  },
];

describe('the audit log document', () => {
  it('lists entries newest first with the time, what happened, by whom and the details in words', () => {
    const text = auditText(entries, { connectionName: 'Work', now });
    expect(text).toMatch(/^Switchboard audit log: Work\n3 entries, newest first/);
    const refused = text.indexOf('2026-12-06 14:59:50 UTC (just now)  Key refused by the provider: Work');
    const tested = text.indexOf('2026-12-06 14:50:00 UTC (10 min ago)  Tested: Work');
    const edited = text.indexOf('2026-12-06 14:00:00 UTC (1 h ago)  Edited: Work');
    expect([refused, tested, edited].every((i) => i >= 0)).toBe(true);
    expect(refused < tested && tested < edited).toBe(true);
    expect(text).toContain(
      '    by http\n    403: the key has no access to this\n    on POST /v1/chat/completions, model gpt-5.4',
    );
    expect(text).toContain(
      '    by scheduler\n    failed (on schedule) at authentication, 41 ms\n    The key was rejected (401).',
    );
    expect(text).toContain('    fields: baseUrl, timeoutMs');
  });

  it('says when nothing is recorded', () => {
    expect(auditText([], { now })).toMatch(/all connections[\s\S]*Nothing recorded yet\./);
  });
});
