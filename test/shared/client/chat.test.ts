/** Unit tests of SwitchboardClient.chat against the FAKE daemon in ./fakeDaemon (not the real daemon). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SwitchboardClient, SwitchboardError, type ChatReply } from '../../../shared/client';
import { appError, FakeDaemon, type FakePeer } from './fakeDaemon';

let daemon: FakeDaemon;
let client: SwitchboardClient;

const messages = [{ role: 'user' as const, content: 'Hi' }];
const final = (text: string) => ({
  text,
  finishReason: 'stop',
  connectionId: 'c1',
  model: 'm',
  latency: { firstTokenMs: 1, totalMs: 2 },
});
const delta = (peer: FakePeer, streamId: string, index: number, text: string): void =>
  peer.notify('chat/delta', { streamId, index, text });

/** Scripts chat/stream to send one delta, then wait for chat/cancel and fail with CANCELLED as the daemon does. */
function cancellableStream(): void {
  const waiting = new Map<string, () => void>();
  daemon.handle('chat/stream', async ({ streamId }, peer) => {
    delta(peer, streamId, 0, 'Hel');
    await new Promise<void>((resolve) => waiting.set(streamId, resolve));
    throw appError('CANCELLED', 'The stream was cancelled.', { partialText: 'Hel' });
  });
  daemon.handle('chat/cancel', ({ streamId }) => {
    waiting.get(streamId)?.();
    return { cancelled: waiting.has(streamId) };
  });
}

async function collect(stream: ChatReply): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of stream) pieces.push(piece);
  return pieces;
}

beforeEach(async () => {
  daemon = await FakeDaemon.start();
  client = await SwitchboardClient.connect({ home: daemon.home, requestTimeoutMs: 200 });
});
afterEach(async () => {
  await client.close();
  await daemon.stop();
});

describe('chat', () => {
  it('yields deltas in index order even when they arrive out of order', async () => {
    daemon.handle('chat/stream', ({ streamId }, peer) => {
      delta(peer, streamId, 2, 'c');
      delta(peer, streamId, 0, 'a');
      delta(peer, streamId, 3, 'd');
      delta(peer, streamId, 1, 'b');
      delta(peer, streamId, 1, 'b'); // a duplicate must not be yielded twice
      return final('abcd');
    });
    const stream = client.chat({ messages, connectionId: 'c1' });
    expect(await collect(stream)).toEqual(['a', 'b', 'c', 'd']);
    await expect(stream.result).resolves.toMatchObject({ text: 'abcd', finishReason: 'stop' });
    expect(daemon.calls('chat/stream')).toEqual([{ streamId: stream.streamId, messages, connectionId: 'c1' }]);
  });

  it('keeps deltas that arrive before the consumer starts iterating', async () => {
    daemon.handle('chat/stream', ({ streamId }, peer) => {
      for (let i = 0; i < 50; i++) delta(peer, streamId, i, `${i},`);
      return final('');
    });
    const stream = client.chat({ messages, streamId: 'mine' });
    expect(stream.streamId).toBe('mine');
    await stream.result;
    expect((await collect(stream)).join('')).toBe(Array.from({ length: 50 }, (_, i) => `${i},`).join(''));
  });

  it('is exempt from the request timeout', async () => {
    daemon.handle('chat/stream', async ({ streamId }, peer) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      delta(peer, streamId, 0, 'late');
      return final('late');
    });
    const stream = client.chat({ messages });
    expect(await collect(stream)).toEqual(['late']);
  });

  it('sends chat/cancel and throws CANCELLED with partialText when its signal aborts', async () => {
    cancellableStream();
    const controller = new AbortController();
    const stream = client.chat({ messages }, { signal: controller.signal });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const piece of stream) {
        seen.push(piece);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['Hel']);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({ code: 'CANCELLED', data: { partialText: 'Hel' } });
    await expect(stream.result).rejects.toMatchObject({ code: 'CANCELLED' });
    await vi.waitFor(() => expect(daemon.calls('chat/cancel')).toEqual([{ streamId: stream.streamId }]));
  });

  it('cancels the stream when the consumer breaks out of the loop', async () => {
    cancellableStream();
    const stream = client.chat({ messages });
    for await (const piece of stream) {
      expect(piece).toBe('Hel');
      break;
    }
    await vi.waitFor(() => expect(daemon.calls('chat/cancel')).toEqual([{ streamId: stream.streamId }]));
    await expect(stream.result).rejects.toMatchObject({ code: 'CANCELLED', data: { partialText: 'Hel' } });
  });

  it('sends nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const stream = client.chat({ messages }, { signal: controller.signal });
    await expect(stream.result).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(daemon.calls('chat/stream')).toEqual([]);
  });

  it('throws the daemon error from the iterator and the result', async () => {
    daemon.handle('chat/stream', ({ streamId }, peer) => {
      delta(peer, streamId, 0, 'par');
      throw appError('INCOMPLETE', 'The stream ended without its terminator.', { partialText: 'par' });
    });
    const stream = client.chat({ messages });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const piece of stream) seen.push(piece);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['par']);
    expect(error).toMatchObject({ code: 'INCOMPLETE', data: { partialText: 'par', hint: 'hint for INCOMPLETE' } });
    await expect(stream.result).rejects.toBe(error);
  });

  it('fails with TIMEOUT and cancels when nothing arrives within idleTimeoutMs', async () => {
    daemon.handle('chat/stream', () => new Promise(() => undefined));
    daemon.handle('chat/cancel', () => ({ cancelled: true }));
    const stream = client.chat({ messages }, { idleTimeoutMs: 100 });
    await expect(collect(stream)).rejects.toMatchObject({ code: 'TIMEOUT', data: { partialText: '' } });
    await vi.waitFor(() => expect(daemon.calls('chat/cancel')).toHaveLength(1));
  });

  it('fails with partialText when the connection drops mid-stream', async () => {
    daemon.handle('chat/stream', ({ streamId }, peer) => {
      delta(peer, streamId, 0, 'so far');
      setTimeout(() => peer.terminate(), 20);
      return new Promise(() => undefined);
    });
    const stream = client.chat({ messages });
    await expect(stream.result).rejects.toMatchObject({
      code: 'UNREACHABLE',
      reason: 'closed',
      data: { partialText: 'so far' },
    });
  });

  it('refuses a streamId already running on this client', async () => {
    daemon.handle('chat/stream', () => new Promise(() => undefined));
    client.chat({ messages, streamId: 's1' });
    expect(() => client.chat({ messages, streamId: 's1' })).toThrow(expect.objectContaining({ code: 'STREAM_EXISTS' }));
  });

  it('can be iterated only once', async () => {
    daemon.handle('chat/stream', () => final(''));
    const stream = client.chat({ messages });
    await collect(stream);
    await expect(collect(stream)).rejects.toThrow('only once');
  });
});
