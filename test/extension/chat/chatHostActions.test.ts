/**
 * Message actions (#17 item 7) and code-block actions (item 6) as the host carries them out: copy an
 * answer, regenerate (on the same or another connection) keeping the earlier answers as alternates,
 * choose an alternate, edit and resend, delete; reasoning and tool calls streamed into the turn.
 */
import { describe, expect, it } from 'vitest';
import type { ChatTurn } from '../../../shared/webview';
import { buildMessages } from '../../../extension/chat/prompt';
import { MAX_ANSWERS_PER_MESSAGE } from '../../../extension/chat/chatRunner';
import { ofType, setup, tick } from './fakes';

type S = ReturnType<typeof setup>;
const lastChat = (s: S) => ofType(s.posted, 'chat').at(-1)!;
const shape = (turns: ChatTurn[]) =>
  turns.map((t) => (t.role === 'user' ? `user:${t.text}` : `${t.alternate ? 'alt' : 'answer'}:${t.status}:${t.text}`));

/** A chat with one question answered "first" (done). */
async function answered(s: S, text = 'first'): Promise<void> {
  await s.host.handle({ type: 'ready' });
  await s.host.handle({ type: 'send', requestId: 1, text: 'question' });
  s.daemon.stream.emit(text);
  s.daemon.stream.finish();
  await tick();
}

const answerId = (s: S, i = -1) => s.host.current.turns.at(i)!.id;

describe('ChatHost: message actions', () => {
  it('copies a whole answer (its Markdown)', async () => {
    const s = setup();
    await answered(s, 'Use `x`:\n\n```ts\nconst x = 1;\n```');
    await s.host.handle({ type: 'copyAnswer', turnId: answerId(s) });
    expect(s.ui.log).toContain('copy answer Use `x`:\n\n```ts\nconst x = 1;\n```');
  });

  it('regenerates: the earlier answer stays as an alternate and is not sent to the model', async () => {
    const s = setup();
    await answered(s);
    await s.host.handle({ type: 'regenerate', turnId: answerId(s) });
    expect(s.daemon.streams).toHaveLength(2);
    expect(s.daemon.stream.params).toMatchObject({
      connectionId: 'c1',
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'question' }],
    });
    s.daemon.stream.emit('second');
    s.daemon.stream.finish();
    await tick();
    expect(shape(lastChat(s).chat.turns)).toEqual(['user:question', 'alt:done:first', 'answer:done:second']);
    // The next question carries only the chosen answer.
    await s.host.handle({ type: 'send', requestId: 2, text: 'next' });
    expect(s.daemon.stream.params.messages).toEqual([
      { role: 'user', content: 'question' },
      { role: 'assistant', content: 'second' },
      { role: 'user', content: 'next' },
    ]);
  });

  it('regenerates with another connection and model for that answer only, beside the first', async () => {
    const s = setup();
    await answered(s);
    s.ui.target = { connectionId: 'c2', model: 'claude-big' };
    await s.host.handle({ type: 'regenerate', turnId: answerId(s), pick: true });
    expect(s.ui.log).toContain('pickTarget c1 gpt-test');
    expect(s.daemon.stream.params).toMatchObject({ connectionId: 'c2', model: 'claude-big' });
    s.daemon.stream.emit('from claude');
    s.daemon.stream.finish({ connectionId: 'c2', connectionName: 'Claude', model: 'claude-big' });
    await tick();
    const turns = lastChat(s).chat.turns;
    expect(shape(turns)).toEqual(['user:question', 'alt:done:first', 'answer:done:from claude']);
    expect(turns[2]).toMatchObject({ meta: { connectionName: 'Claude', model: 'claude-big' } });
    // The chat keeps its own connection.
    expect(s.host.current).toMatchObject({ connectionId: 'c1', model: 'gpt-test' });
  });

  it('regenerates with another model: the new answer says where it comes from from its first frame, before it answers', async () => {
    const s = setup();
    await answered(s);
    expect(s.host.current.turns.at(-1)).toMatchObject({
      source: { connectionId: 'c1', connectionName: 'Work', model: 'gpt-test' },
    });
    s.ui.target = { connectionId: 'c1', model: 'gpt-other' };
    await s.host.handle({ type: 'regenerate', turnId: answerId(s), pick: true });
    // What the page gets as the answer starts streaming: the picked model, not the chat's.
    const streaming = lastChat(s).chat.turns.at(-1)!;
    expect(streaming).toMatchObject({
      status: 'streaming',
      source: { connectionId: 'c1', connectionName: 'Work', model: 'gpt-other' },
    });
    expect(s.daemon.stream.params).toMatchObject({ connectionId: 'c1', model: 'gpt-other' });
    // The connection's default, named, when the pick kept it.
    s.daemon.stream.emit('second');
    s.daemon.stream.finish({ model: 'gpt-other' });
    await tick();
    s.ui.target = { connectionId: 'c2' };
    await s.host.handle({ type: 'regenerate', turnId: answerId(s), pick: true });
    expect(lastChat(s).chat.turns.at(-1)).toMatchObject({
      source: { connectionId: 'c2', connectionName: 'Claude', model: 'claude-test' },
    });
  });

  it('does nothing when the pick is cancelled, and refuses a connection that is gone', async () => {
    const s = setup();
    await answered(s);
    s.ui.target = undefined;
    await s.host.handle({ type: 'regenerate', turnId: answerId(s), pick: true });
    s.ui.target = { connectionId: 'gone' };
    await s.host.handle({ type: 'regenerate', turnId: answerId(s), pick: true });
    expect(s.daemon.streams).toHaveLength(1);
    expect(s.ui.log).toContain('warn That connection no longer exists.');
  });

  it('regenerates only the last answer, never while one streams, and drops failed answers', async () => {
    const s = setup();
    await answered(s);
    const firstAnswer = answerId(s);
    await s.host.handle({ type: 'send', requestId: 2, text: 'again' });
    await s.host.handle({ type: 'regenerate', turnId: answerId(s) });
    expect(s.ui.log.at(-1)).toMatch(/still streaming/);
    s.daemon.stream.fail(new Error('boom'));
    await tick();
    await s.host.handle({ type: 'regenerate', turnId: firstAnswer });
    expect(s.ui.log.at(-1)).toMatch(/Only the last answer can be regenerated/);
    expect(s.daemon.streams).toHaveLength(2);
    await s.host.handle({ type: 'regenerate', turnId: answerId(s) });
    s.daemon.stream.emit('fine');
    s.daemon.stream.finish();
    await tick();
    expect(shape(lastChat(s).chat.turns)).toEqual([
      'user:question',
      'answer:done:first',
      'user:again',
      'answer:done:fine',
    ]);
  });

  it(`keeps at most ${MAX_ANSWERS_PER_MESSAGE} answers per message, dropping the oldest`, async () => {
    const s = setup();
    await answered(s, 'a0');
    for (let i = 1; i <= MAX_ANSWERS_PER_MESSAGE + 1; i++) {
      await s.host.handle({ type: 'regenerate', turnId: answerId(s) });
      s.daemon.stream.emit(`a${i}`);
      s.daemon.stream.finish();
      await tick();
    }
    const answers = s.host.current.turns.slice(1);
    expect(answers).toHaveLength(MAX_ANSWERS_PER_MESSAGE);
    expect(answers.map((t) => t.text)).toEqual(Array.from({ length: MAX_ANSWERS_PER_MESSAGE }, (_, i) => `a${i + 2}`));
  });

  it('chooses an alternate: it is shown and sent from then on, and the choice is stored', async () => {
    const s = setup();
    await answered(s);
    await s.host.handle({ type: 'regenerate', turnId: answerId(s) });
    s.daemon.stream.emit('second');
    s.daemon.stream.finish();
    await tick();
    await s.host.handle({ type: 'chooseAnswer', turnId: answerId(s, 1) });
    expect(shape(lastChat(s).chat.turns)).toEqual(['user:question', 'answer:done:first', 'alt:done:second']);
    expect(shape(s.store.get(s.host.current.id)!.turns)).toEqual([
      'user:question',
      'answer:done:first',
      'alt:done:second',
    ]);
    expect(buildMessages(s.host.current.turns, { text: 'next', attachments: [] }).map((m) => m.content)).toEqual([
      'question',
      'first',
      'next',
    ]);
  });

  it('edits a message and sends it again, dropping what followed it', async () => {
    const s = setup();
    await answered(s);
    await s.host.handle({ type: 'send', requestId: 2, text: 'follow-up' });
    s.daemon.stream.emit('reply');
    s.daemon.stream.finish();
    await tick();
    const firstQuestion = s.host.current.turns[0]!.id;
    await s.host.handle({ type: 'editMessage', turnId: firstQuestion, text: 'better question\n' });
    expect(s.daemon.stream.params.messages).toEqual([{ role: 'user', content: 'better question' }]);
    s.daemon.stream.emit('better answer');
    s.daemon.stream.finish();
    await tick();
    expect(shape(lastChat(s).chat.turns)).toEqual(['user:better question', 'answer:done:better answer']);
  });

  it('refuses to resend an empty edit or while an answer streams', async () => {
    const s = setup();
    await answered(s);
    const question = s.host.current.turns[0]!.id;
    await s.host.handle({ type: 'editMessage', turnId: question, text: '  ' });
    expect(s.ui.log.at(-1)).toMatch(/The message is empty/);
    await s.host.handle({ type: 'send', requestId: 2, text: 'more' });
    await s.host.handle({ type: 'editMessage', turnId: question, text: 'changed' });
    expect(s.ui.log.at(-1)).toMatch(/still streaming/);
    expect(s.daemon.streams).toHaveLength(2);
  });

  it('deletes a question with its answers, and one answer of a group (another is then chosen)', async () => {
    const s = setup();
    await answered(s);
    await s.host.handle({ type: 'regenerate', turnId: answerId(s) });
    s.daemon.stream.emit('second');
    s.daemon.stream.finish();
    await tick();
    await s.host.handle({ type: 'deleteTurn', turnId: answerId(s) });
    expect(shape(lastChat(s).chat.turns)).toEqual(['user:question', 'answer:done:first']);
    await s.host.handle({ type: 'send', requestId: 2, text: 'two' });
    s.daemon.stream.emit('answer two');
    s.daemon.stream.finish();
    await tick();
    await s.host.handle({ type: 'deleteTurn', turnId: s.host.current.turns[0]!.id });
    expect(shape(lastChat(s).chat.turns)).toEqual(['user:two', 'answer:done:answer two']);
    expect(shape(s.store.get(s.host.current.id)!.turns)).toEqual(['user:two', 'answer:done:answer two']);
  });

  it('does not delete while an answer streams', async () => {
    const s = setup();
    await answered(s);
    await s.host.handle({ type: 'send', requestId: 2, text: 'more' });
    await s.host.handle({ type: 'deleteTurn', turnId: s.host.current.turns[0]!.id });
    expect(s.ui.log.at(-1)).toMatch(/Stop it \(Escape\) before deleting/);
    expect(s.host.current.turns).toHaveLength(4);
  });
});

describe('ChatHost: reasoning and tool calls', () => {
  it('streams reasoning beside the text and keeps it, and shows a tool call with its arguments', async () => {
    const s = setup();
    await s.host.handle({ type: 'ready' });
    await s.host.handle({ type: 'send', requestId: 1, text: 'think' });
    s.daemon.stream.event({ type: 'reasoning', reasoning: 'Let me ' });
    s.daemon.stream.event({ type: 'reasoning', reasoning: 'think.' });
    s.daemon.stream.event({ type: 'reasoningSignature', signature: 'sig' });
    s.daemon.stream.emit('Answer');
    await tick();
    const deltas = ofType(s.posted, 'delta');
    expect(deltas.map((d) => d.reasoning ?? '').join('')).toBe('Let me think.');
    expect(deltas.map((d) => d.text).join('')).toBe('Answer');
    s.daemon.stream.event({ type: 'toolCall', toolCall: 0, id: 'call_1', name: 'get_weather' });
    s.daemon.stream.event({ type: 'toolArguments', toolCall: 0, arguments: '{"city":' });
    s.daemon.stream.event({ type: 'toolArguments', toolCall: 0, arguments: '"Oslo"}' });
    await tick();
    const streaming = lastChat(s);
    expect(streaming.busy).toBe(true);
    expect(streaming.chat.turns[1]).toMatchObject({
      status: 'streaming',
      toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
    });
    s.daemon.stream.finish({
      text: 'Answer',
      reasoning: 'Let me think.',
      finishReason: 'tool_calls',
      toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
    });
    await tick();
    expect(lastChat(s).chat.turns[1]).toMatchObject({
      status: 'done',
      text: 'Answer',
      reasoning: 'Let me think.',
      toolCalls: [{ name: 'get_weather' }],
    });
    // Reasoning is shown, never sent back as the answer.
    await s.host.handle({ type: 'send', requestId: 2, text: 'next' });
    expect(s.daemon.stream.params.messages[1]).toEqual({ role: 'assistant', content: 'Answer' });
  });
});

describe('ChatHost: code-block actions', () => {
  it('hands Apply, New File and Run in Terminal to VS Code with the block and what it names', async () => {
    const s = setup();
    await s.host.handle({ type: 'ready' });
    await s.host.handle({ type: 'applyCode', code: 'x = 1', path: 'src/a.py', language: 'python' });
    await s.host.handle({ type: 'applyCode', code: 'y = 2' });
    await s.host.handle({ type: 'newFile', code: 'z', language: 'ts' });
    await s.host.handle({ type: 'runInTerminal', code: 'ls -la' });
    expect(s.ui.log).toEqual(['apply src/a.py python x = 1', 'apply (editor)  y = 2', 'newFile ts z', 'run ls -la']);
  });
});
