// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { linkified, messageWithHint } from '../../../../extension/manager/page/richText';

describe('messageWithHint', () => {
  it('leaves out the sentences of a hint that the message already says', () => {
    expect(
      messageWithHint(
        'The key was rejected (401). Check it at https://x.example/keys.',
        'Check it at https://x.example/keys. Then test again.',
      ),
    ).toBe('The key was rejected (401). Check it at https://x.example/keys. Then test again.');
    expect(messageWithHint('OpenAI rejected the key.', 'OpenAI rejected the key.')).toBe('OpenAI rejected the key.');
    expect(messageWithHint('Unreachable.', 'Start the server.')).toBe('Unreachable. Start the server.');
    expect(messageWithHint('Unreachable.', undefined)).toBe('Unreachable.');
  });
});

describe('linkified', () => {
  it("makes each http(s) address a link, leaving the sentence's full stop outside it", () => {
    const nodes = linkified(
      'Check it at https://platform.openai.com/api-keys. Or http://127.0.0.1:8080/v1, then retry.',
    );
    const links = nodes.filter((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      'https://platform.openai.com/api-keys',
      'http://127.0.0.1:8080/v1',
    ]);
    expect(nodes.map((n) => n.textContent).join('')).toBe(
      'Check it at https://platform.openai.com/api-keys. Or http://127.0.0.1:8080/v1, then retry.',
    );
  });

  it('never turns other schemes or markup into elements', () => {
    const nodes = linkified('javascript:alert(1) <b>x</b> command:foo');
    expect(nodes.every((n) => n.nodeType === Node.TEXT_NODE)).toBe(true);
  });
});
