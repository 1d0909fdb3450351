/**
 * The ways an answer ends besides the daemon's reply: a stop the daemon never answers, a stream gone
 * silent, and the window closing. The streams are shared/client's (see fakes.ts), so these also check
 * that the runner leaves cancel and the idle timeout to the client.
 */
import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../../shared/protocol';
import { ChatStore } from '../../../extension/chat/chatStore';
import { setup, tick } from './fakes';

const start = async (s: ReturnType<typeof setup>, text = 'hi') => {
  await s.host.handle({ type: 'ready' });
  await s.host.handle({ type: 'send', requestId: 1, text });
  return s.host.current;
};

const cancels = (s: ReturnType<typeof setup>) =>
  s.daemon.calls.filter((c) => c.method === 'chat/cancel').map((c) => c.params.streamId);

describe('ChatRunner', () => {
  it('marks a stopped answer stopped at once, keeping its text, when the daemon accepts the cancel but never answers', async () => {
    const s = setup();
    s.daemon.answers['chat/cancel'] = () => ({ cancelled: true });
    const chat = await start(s);
    s.daemon.stream.emit('so far');
    await tick();
    s.runner.stop(chat.id);
    await tick();
    expect(cancels(s)).toEqual([s.daemon.stream.params.streamId]);
    expect(s.runner.isBusy(chat.id)).toBe(false);
    expect(chat.turns[1]).toMatchObject({ status: 'stopped', text: 'so far' });
    // A reply that comes after all changes nothing.
    s.daemon.stream.finish({ text: 'so far and more' });
    await tick();
    expect(chat.turns[1]).toMatchObject({ status: 'stopped', text: 'so far' });
  });

  it('fails a stream that stays silent past the idle timeout, and cancels it on the daemon', async () => {
    const s = setup({ idleTimeoutMs: 40 });
    s.daemon.answers['chat/cancel'] = () => ({ cancelled: true });
    const chat = await start(s);
    s.daemon.stream.emit('half an ');
    await tick(150);
    expect(cancels(s)).toEqual([s.daemon.stream.params.streamId]);
    expect(s.runner.isBusy(chat.id)).toBe(false);
    expect(chat.turns[1]).toMatchObject({ status: 'error', text: 'half an ', error: { code: 'TIMEOUT' } });
  });

  it('does not send a cancel for an upstream TIMEOUT: the daemon already ended the stream', async () => {
    const s = setup();
    const chat = await start(s);
    s.daemon.stream.fail(
      new SwitchboardError('TIMEOUT', 'OpenAI did not answer within 60 s.', {
        hint: "Try again, or raise the connection's timeout.",
      }),
    );
    await tick();
    expect(cancels(s)).toEqual([]);
    expect(chat.turns[1]).toMatchObject({
      status: 'error',
      error: { code: 'TIMEOUT', hint: expect.stringContaining('Try again') },
    });
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
