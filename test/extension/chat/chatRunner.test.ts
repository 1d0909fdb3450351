/**
 * The runner's own ways of ending an answer, beyond the daemon's reply: the grace period after a
 * stop, its own request timeout, and the window closing.
 */
import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../../shared/protocol';
import { timeoutError } from '../../../shared/client/errors';
import { STREAM_REQUEST_TIMEOUT_MS } from '../../../extension/chat/chatRunner';
import { ChatStore } from '../../../extension/chat/chatStore';
import { setup, tick } from './fakes';

const start = async (s: ReturnType<typeof setup>, text = 'hi') => {
  await s.host.handle({ type: 'ready' });
  await s.host.handle({ type: 'send', requestId: 1, text });
  return s.host.current;
};

const cancels = (s: ReturnType<typeof setup>) => s.daemon.calls.filter((c) => c.method === 'chat/cancel').map((c) => c.params.streamId);

describe('ChatRunner', () => {
  it('marks a stopped answer stopped after the grace period when the daemon accepts the cancel but never answers', async () => {
    const s = setup();
    s.daemon.answers['chat/cancel'] = () => ({ cancelled: true });
    const chat = await start(s);
    s.daemon.stream.emit('so far');
    await tick();
    s.runner.stop(chat.id);
    expect(s.runner.isBusy(chat.id)).toBe(true);
    await tick(80); // the fakes' grace period is 50 ms
    expect(s.runner.isBusy(chat.id)).toBe(false);
    expect(chat.turns[1]).toMatchObject({ status: 'stopped', text: 'so far' });
    // A reply that comes after all changes nothing.
    s.daemon.stream.finish({ text: 'so far and more' });
    await tick();
    expect(chat.turns[1]).toMatchObject({ status: 'stopped', text: 'so far' });
  });

  it('cancels the stream on the daemon when its own request timeout fires', async () => {
    const s = setup();
    s.daemon.answers['chat/cancel'] = () => ({ cancelled: true });
    const chat = await start(s);
    s.daemon.stream.fail(timeoutError('chat/stream', STREAM_REQUEST_TIMEOUT_MS));
    await tick();
    expect(cancels(s)).toEqual([s.daemon.stream.params.streamId]);
    expect(chat.turns[1]).toMatchObject({ status: 'error', error: { code: 'TIMEOUT' } });
  });

  it('does not send a cancel for an upstream TIMEOUT: the daemon already ended the stream', async () => {
    const s = setup();
    const chat = await start(s);
    s.daemon.stream.fail(new SwitchboardError('TIMEOUT', 'OpenAI did not answer within 60 s.', { hint: 'Try again, or raise the connection\'s timeout.' }));
    await tick();
    expect(cancels(s)).toEqual([]);
    expect(chat.turns[1]).toMatchObject({ status: 'error', error: { code: 'TIMEOUT', hint: expect.stringContaining('Try again') } });
  });

  it('stops every running answer when disposed, keeping its text, and tells the daemon', async () => {
    const s = setup();
    s.daemon.answers['chat/cancel'] = () => ({ cancelled: true });
    const first = await start(s, 'one');
    s.daemon.stream.emit('partial one');
    await s.host.handle({ type: 'newChat' });
    await s.host.handle({ type: 'send', requestId: 2, text: 'two' });
    const second = s.host.current;
    await tick();
    s.runner.dispose();
    expect(cancels(s)).toEqual(s.daemon.streams.map((st) => st.params.streamId));
    expect([s.runner.isBusy(first.id), s.runner.isBusy(second.id)]).toEqual([false, false]);
    await s.store.flush();
    const stored = new ChatStore(s.memento);
    expect(stored.get(first.id)!.turns[1]).toMatchObject({ status: 'stopped', text: 'partial one' });
    expect(stored.get(second.id)!.turns[1]).toMatchObject({ status: 'stopped', text: '' });
  });
});
