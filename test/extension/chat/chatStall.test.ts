/**
 * A stalled upstream (#17 item 10): a streaming answer that receives nothing for STALL_NOTICE_MS is
 * reported to the page every second ("No data for N s") instead of looking frozen; data arriving
 * again clears it and the answer goes on; Stop keeps the text; Retry stops it and asks the same
 * again, of the same connection and model, in its place. A fake clock drives the silence.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { STALL_NOTICE_MS } from '../../../extension/chat/chatRunner';
import { ofType, setup } from './fakes';

type S = ReturnType<typeof setup>;
const stalls = (s: S) => ofType(s.posted, 'stall').map((m) => m.seconds);
const lastAnswer = (s: S) => s.host.current.turns.at(-1)!;

async function streaming(): Promise<S> {
  const s = setup();
  await s.host.handle({ type: 'ready' });
  await s.host.handle({ type: 'send', requestId: 1, text: 'question' });
  s.daemon.stream.emit('Partial');
  await vi.advanceTimersByTimeAsync(5);
  return s;
}

describe('ChatHost: a stalled stream', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says nothing while data flows, then "no data for N s" every second once it stops', async () => {
    const s = await streaming();
    // Data every few seconds: never a stall.
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(STALL_NOTICE_MS - 2000);
      s.daemon.stream.emit('.');
    }
    expect(stalls(s)).toEqual([]);
    await vi.advanceTimersByTimeAsync(STALL_NOTICE_MS + 2000);
    const seconds = stalls(s);
    // Reported once a second (the clock ticks on its own phase), counting up from N.
    expect(seconds.length).toBeGreaterThanOrEqual(2);
    expect(seconds[0]).toBe(STALL_NOTICE_MS / 1000);
    expect(seconds).toEqual(seconds.map((_, i) => STALL_NOTICE_MS / 1000 + i));
    expect(ofType(s.posted, 'stall')[0]).toMatchObject({ chatId: s.host.current.id, turnId: lastAnswer(s).id });
    expect(lastAnswer(s)).toMatchObject({ status: 'streaming' });
  });

  it('clears the stall when data arrives again, and the answer goes on to the end', async () => {
    const s = await streaming();
    await vi.advanceTimersByTimeAsync(STALL_NOTICE_MS + 1000);
    expect(stalls(s).at(-1)).not.toBeNull();
    s.daemon.stream.emit(' and the rest.');
    await vi.advanceTimersByTimeAsync(5);
    expect(stalls(s).at(-1)).toBeNull();
    const count = stalls(s).length;
    await vi.advanceTimersByTimeAsync(3000);
    expect(stalls(s)).toHaveLength(count); // nothing more while it is not silent for long
    s.daemon.stream.finish();
    await vi.advanceTimersByTimeAsync(5);
    expect(lastAnswer(s)).toMatchObject({ status: 'done', text: 'Partial and the rest.' });
    await vi.advanceTimersByTimeAsync(STALL_NOTICE_MS * 2);
    expect(stalls(s)).toHaveLength(count); // a finished answer never stalls
  });

  it('Stop keeps the partial text, marked stopped, and ends the stall', async () => {
    const s = await streaming();
    await vi.advanceTimersByTimeAsync(STALL_NOTICE_MS + 1000);
    await s.host.handle({ type: 'stop' });
    await vi.advanceTimersByTimeAsync(5);
    expect(lastAnswer(s)).toMatchObject({ status: 'stopped', text: 'Partial' });
    expect(stalls(s).at(-1)).toBeNull();
    expect(s.daemon.calls.some((c) => c.method === 'chat/cancel')).toBe(true);
  });

  it('Retry stops the stalled answer and asks the same again, of the same connection and model, in its place', async () => {
    const s = setup();
    await s.host.handle({ type: 'ready' });
    await s.host.handle({ type: 'send', requestId: 1, text: 'question' });
    s.daemon.stream.emit('first');
    s.daemon.stream.finish();
    await vi.advanceTimersByTimeAsync(5);
    // An answer regenerated with another model stalls.
    s.ui.target = { connectionId: 'c2', model: 'claude-big' };
    await s.host.handle({ type: 'regenerate', turnId: lastAnswer(s).id, pick: true });
    const stalled = s.daemon.stream;
    stalled.emit('Partial');
    await vi.advanceTimersByTimeAsync(STALL_NOTICE_MS + 1000);
    const stalledId = lastAnswer(s).id;
    await s.host.handle({ type: 'retry' });
    await vi.advanceTimersByTimeAsync(5);
    expect(s.daemon.streams).toHaveLength(3);
    expect(s.daemon.stream.params).toMatchObject({ connectionId: 'c2', model: 'claude-big' });
    expect(s.daemon.stream.params.messages).toEqual(stalled.params.messages);
    expect(s.daemon.calls.filter((c) => c.method === 'chat/cancel')).toHaveLength(1);
    // The stalled answer is replaced (not kept beside it); the first answer stays as it was.
    const turns = s.host.current.turns;
    expect(turns.map((t) => t.id)).not.toContain(stalledId);
    expect(turns.map((t) => (t.role === 'user' ? 'user' : `${t.alternate ? 'alt' : 'answer'}:${t.status}`))).toEqual([
      'user',
      'alt:done',
      'answer:streaming',
    ]);
    expect(turns.at(-1)).toMatchObject({ source: { connectionId: 'c2', model: 'claude-big' } });
    s.daemon.stream.emit('Fresh answer.');
    s.daemon.stream.finish({ connectionId: 'c2', connectionName: 'Claude', model: 'claude-big' });
    await vi.advanceTimersByTimeAsync(5);
    expect(lastAnswer(s)).toMatchObject({ status: 'done', text: 'Fresh answer.' });
  });
});
