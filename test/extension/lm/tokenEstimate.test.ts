import { describe, expect, it } from 'vitest';
import { Role } from '../../../extension/lm/requestMapping';
import { estimateMessageTokens, estimateTextTokens } from '../../../extension/lm/tokenEstimate';

describe('token estimate', () => {
  it('counts words, long words by 4 characters, punctuation and CJK characters one each', () => {
    expect(estimateTextTokens('')).toBe(0);
    expect(estimateTextTokens('Hello, world!')).toBe(6); // Hello(2) ,(1) world(2) !(1)
    expect(estimateTextTokens('internationalization')).toBe(5);
    expect(estimateTextTokens('你好世界')).toBe(4);
  });

  it('leans high on code, where real tokenizers split a lot', () => {
    const code = 'const x = foo(bar[0], {a: 1});';
    expect(estimateTextTokens(code)).toBeGreaterThanOrEqual(14);
  });

  it('adds message framing, tool calls and images', () => {
    const plain = estimateMessageTokens({ role: Role.User, content: [{ value: 'hi' }] });
    expect(plain).toBe(5);
    const withImage = estimateMessageTokens({
      role: Role.User,
      content: [{ value: 'hi' }, { mimeType: 'image/png', data: new Uint8Array(10_000) }],
    });
    expect(withImage).toBe(plain + 85);
    const withCall = estimateMessageTokens({
      role: Role.Assistant,
      content: [{ callId: 'c', name: 'read', input: { path: 'a.ts' } }],
    });
    expect(withCall).toBeGreaterThan(8);
  });
});
