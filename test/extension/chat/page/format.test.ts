import { describe, expect, it } from 'vitest';
import {
  connectionLabel,
  costText,
  fallbackText,
  metaParts,
  relativeTime,
  skippedPhrase,
} from '../../../../extension/chat/page/format';

const meta = { connectionId: 'c1', connectionName: 'Work', model: 'gpt-4o', firstTokenMs: null, totalMs: 10 };
const skip = (name: string, code: string) => ({ connectionId: name, name, model: 'm', code, message: '' });

describe('chat wording', () => {
  it('phrases each fallback reason', () => {
    expect(
      ['RATE_LIMITED', 'UNREACHABLE', 'TIMEOUT', 'UPSTREAM_ERROR', 'BUDGET_EXCEEDED', 'SOMETHING_NEW'].map((code) =>
        skippedPhrase(skip('B', code)),
      ),
    ).toEqual([
      'B was rate-limited',
      'B was unreachable',
      'B timed out',
      'B failed',
      'B was over its budget',
      'B was skipped',
    ]);
    expect(fallbackText({ ...meta, skipped: [skip('B', 'RATE_LIMITED'), skip('C', 'TIMEOUT')] })).toBe(
      'answered by Work (B was rate-limited, C timed out)',
    );
    expect(fallbackText({ ...meta, skipped: [] })).toBeUndefined();
  });

  it('formats cost as the Usage view does: dollars, unknown, or nothing', () => {
    expect(costText(0.0012)).toBe('$0.0012');
    expect(costText(2.5)).toBe('$2.50');
    expect(costText(0)).toBe('$0.00');
    expect(costText(0.00001)).toBe('< $0.0001');
    expect(costText(null)).toBe('cost unknown');
    expect(costText(undefined)).toBeUndefined();
  });

  it('leaves out the tokens, first token and cost it does not have', () => {
    expect(metaParts(meta).map((p) => p.text)).toEqual(['gpt-4o', 'Work']);
    expect(
      metaParts({ ...meta, usage: { inputTokens: 1, outputTokens: 2 }, firstTokenMs: 99.6, costUsd: null }).map(
        (p) => p.text,
      ),
    ).toEqual(['gpt-4o', 'Work', '1 in · 2 out', 'first token 100 ms', 'cost unknown']);
    expect(metaParts({ ...meta, usage: { inputTokens: 12_345, outputTokens: 2 } })[2]!.text).toBe('12,345 in · 2 out');
  });

  it('labels connections with their status', () => {
    expect(
      connectionLabel({
        id: 'a',
        name: 'Work',
        provider: 'openai',
        isDefault: true,
        status: 'warning',
        keyAvailable: false,
      }),
    ).toBe('Work — warning, default, no key');
    expect(connectionLabel({ id: 'a', name: 'Local', provider: 'ollama', isDefault: false, keyAvailable: true })).toBe(
      'Local — untested',
    );
  });

  it('says how long ago a chat changed', () => {
    const now = new Date('2025-06-01T12:00:00Z');
    expect(relativeTime('2025-06-01T11:59:30Z', now)).toBe('just now');
    expect(relativeTime('2025-06-01T11:15:00Z', now)).toBe('45 min ago');
    expect(relativeTime('2025-06-01T09:00:00Z', now)).toBe('3 h ago');
    expect(relativeTime('2025-05-31T10:00:00Z', now)).toBe('yesterday');
    expect(relativeTime('2025-05-28T12:00:00Z', now)).toBe('4 days ago');
    expect(relativeTime('2025-01-02T12:00:00Z', now)).toMatch(/2025/);
    expect(relativeTime('not a date', now)).toBe('');
  });
});
