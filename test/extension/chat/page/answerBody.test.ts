// @vitest-environment happy-dom
import './happyDomNodeName';
import { describe, expect, it } from 'vitest';
import { renderAnswerBody, settledEnd, StreamingBody } from '../../../../extension/chat/page/answerBody';

const ANSWER = [
  'Intro with **bold**.',
  '',
  '1. First',
  '2. Second',
  '',
  '```ts',
  'const a = 1;',
  '',
  'Not a paragraph: still code',
  '```',
  '',
  '> quoted',
  '',
  'Done: see https://example.com.',
  '',
].join('\n');

describe('settledEnd', () => {
  it('cuts only after a blank line, before an unindented line, outside code fences', () => {
    const text = 'a\n\nb\n\n```\nx\n\ny\n```\n\nc\n';
    expect(settledEnd(text, 0)).toBe(text.indexOf('c\n'));
    expect(settledEnd('a\n\n    indented\n', 0)).toBe(0);
    expect(settledEnd('a\n\n```\nx\n\ny', 0)).toBe(3);
  });

  it('does not cut before the line still being written', () => {
    expect(settledEnd('a\n\nb', 0)).toBe(0);
    expect(settledEnd('a\n\nb\n', 0)).toBe(3);
  });
});

describe('StreamingBody', () => {
  it('ends up with the same page as rendering the whole answer, whatever the chunking', () => {
    const whole = document.createElement('div');
    renderAnswerBody(whole, ANSWER, false);
    for (const size of [1, 3, 7, 50]) {
      const body = document.createElement('div');
      const stream = new StreamingBody(body);
      for (let i = size; i < ANSWER.length + size; i += size) stream.update(ANSWER.slice(0, i));
      expect(body.innerHTML).toBe(whole.innerHTML);
    }
  });

  it("keeps the settled blocks' nodes and redraws only the tail", () => {
    const body = document.createElement('div');
    const stream = new StreamingBody(body);
    stream.update('First paragraph.\n\nSecond\n');
    const first = body.querySelector('p');
    stream.update('First paragraph.\n\nSecond grows\n\nThird');
    expect(body.querySelector('p')).toBe(first);
    expect([...body.querySelectorAll('p')].map((p) => p.textContent)).toEqual([
      'First paragraph.',
      'Second grows',
      'Third',
    ]);
  });

  it('starts over when the text is replaced rather than extended', () => {
    const body = document.createElement('div');
    const stream = new StreamingBody(body);
    stream.update('Old one.\n\nOld two');
    stream.update('New');
    expect(body.textContent!.trim()).toBe('New');
  });
});
