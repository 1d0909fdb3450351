/**
 * The SSE parser the adapters read successful streams with, and the reader around it: events split
 * across reads at every offset, line-ending variants, multi-line data, comments and keepalives;
 * end, cut, idle timeout, and what happens to the socket when the consumer stops.
 */
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { SseParser, SseReader, type SseEvent } from '../../../../daemon/providers/transport/sseReader';
import { UpstreamIdleTimeout } from '../../../../daemon/providers/transport/upstreamFetch';

function parseAll(pieces: string[]): SseEvent[] {
  const parser = new SseParser();
  const out: SseEvent[] = [];
  for (const piece of pieces) parser.push(piece, out);
  return out;
}

/** `text` cut at every pair of offsets: [0,i), [i,j), [j,end). */
function everySplit(text: string): string[][] {
  const splits: string[][] = [];
  for (let i = 0; i <= text.length; i++)
    for (let j = i; j <= text.length; j++) splits.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
  return splits;
}

describe('SseParser', () => {
  it('reads one-line data events, JSON and [DONE]', () => {
    expect(parseAll(['data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n'])).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: undefined, data: '{"b":2}' },
      { event: undefined, data: '[DONE]' },
    ]);
  });

  it('gives the same events however the text is split across reads (LF, CRLF and CR line ends)', () => {
    const expected: SseEvent[] = [
      { event: 'message_start', data: '{"x":"é✓"}' },
      { event: undefined, data: 'line one\nline two' },
      { event: undefined, data: '' },
    ];
    for (const nl of ['\n', '\r\n', '\r']) {
      const text = `event: message_start${nl}data: {"x":"é✓"}${nl}${nl}: keepalive${nl}${nl}data: line one${nl}data:line two${nl}${nl}data:${nl}${nl}`;
      for (const pieces of everySplit(text)) expect(parseAll(pieces), JSON.stringify(pieces)).toEqual(expected);
    }
  });

  it('skips comments and keepalives, ignores id/retry/unknown fields, strips only one leading space', () => {
    const text = ': ping\n\n:\n\nid: 7\nretry: 100\nfoo\ndata:  two spaces\n\n';
    expect(parseAll([text])).toEqual([{ event: undefined, data: ' two spaces' }]);
  });

  it('dispatches nothing for an event without data, and drops a trailing event without its blank line', () => {
    expect(parseAll(['event: ping\n\n', 'data: {"a":1}\n\n', 'data: {"cut":'])).toEqual([
      { event: undefined, data: '{"a":1}' },
    ]);
  });

  it('tolerates blank lines before and between events', () => {
    expect(parseAll(['\n\n\ndata: a\n\n\n\ndata: b\n\n'])).toEqual([
      { event: undefined, data: 'a' },
      { event: undefined, data: 'b' },
    ]);
  });

  it('does not confuse a CR at the end of one read and an LF at the start of the next for a blank line', () => {
    expect(parseAll(['data: a\r', '\ndata: b\r\n', '\r\n'])).toEqual([{ event: undefined, data: 'a\nb' }]);
  });
});

describe('SseReader', () => {
  const pending: Array<() => void> = [];
  afterEach(() => {
    for (const f of pending.splice(0)) f();
  });

  it('yields the events of each read, and null at the end', async () => {
    const body = new PassThrough();
    const reader = new SseReader(body, 1_000);
    body.write('data: 1\n\ndata: 2\n\ndata: 3');
    expect(await reader.next()).toEqual([
      { event: undefined, data: '1' },
      { event: undefined, data: '2' },
    ]);
    body.end('\n\n');
    expect(await reader.next()).toEqual([{ event: undefined, data: '3' }]);
    expect(await reader.next()).toBeNull();
    expect(reader.ended).toBe(true);
    reader.close(true);
  });

  it('decodes UTF-8 split inside a character', async () => {
    const body = new PassThrough();
    const reader = new SseReader(body, 1_000);
    const bytes = Buffer.from('data: ✓\n\n');
    body.write(bytes.subarray(0, 7)); // inside the 3-byte ✓
    setTimeout(() => body.end(bytes.subarray(7)), 10);
    expect(await reader.next()).toEqual([{ event: undefined, data: '✓' }]);
    reader.close(false);
  });

  it('throws UpstreamIdleTimeout when the upstream is silent while we wait, and destroys the body', async () => {
    const body = new PassThrough();
    const reader = new SseReader(body, 100);
    body.write('data: 1\n\n');
    expect(await reader.next()).toHaveLength(1);
    const started = Date.now();
    await expect(reader.next()).rejects.toBeInstanceOf(UpstreamIdleTimeout);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(body.destroyed).toBe(true);
  });

  it('does not count the time the consumer takes between reads', async () => {
    const body = new PassThrough();
    const reader = new SseReader(body, 100);
    body.write('data: 1\n\ndata: 2\n\n');
    expect(await reader.next()).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 250)); // the consumer is slow; the upstream is not to blame
    body.end('data: 3\n\n');
    expect(await reader.next()).toEqual([{ event: undefined, data: '3' }]);
    expect(await reader.next()).toBeNull();
  });

  it('rethrows the body error, and treats a close before the end as a cut connection', async () => {
    const failing = new PassThrough();
    const r1 = new SseReader(failing, 1_000);
    setTimeout(() => failing.destroy(Object.assign(new Error('boom'), { code: 'ECONNRESET' })), 5);
    await expect(r1.next()).rejects.toMatchObject({ code: 'ECONNRESET', message: 'boom' });

    const closed = new PassThrough();
    const r2 = new SseReader(closed, 1_000);
    setTimeout(() => closed.destroy(), 5);
    await expect(r2.next()).rejects.toMatchObject({ name: 'BodyCutError', code: 'ECONNRESET' });
  });

  describe('on a real socket', () => {
    let server: Server;
    const start = async (handler: (res: import('node:http').ServerResponse) => void) => {
      server = createServer((_req, res) => handler(res));
      server.keepAliveTimeout = 5_000;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      pending.push(() => {
        server.closeAllConnections();
        server.close();
      });
      return (server.address() as AddressInfo).port;
    };
    const request = (port: number, agent: import('node:http').Agent) =>
      new Promise<IncomingMessage>((resolve, reject) =>
        get({ host: '127.0.0.1', port, path: '/', agent }, resolve).on('error', reject),
      );

    it('clean close after the terminator drains the rest, and the keep-alive socket is reused', async () => {
      const { Agent } = await import('node:http');
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      pending.push(() => agent.destroy());
      const sockets = new Set<unknown>();
      const port = await start((res) => {
        sockets.add(res.socket);
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\ndata: [DONE]\n\n');
        setTimeout(() => res.end(': trailing bytes the reader never sees\n\n'), 20);
      });
      for (let i = 0; i < 2; i++) {
        const res = await request(port, agent);
        const reader = new SseReader(res, 1_000);
        expect((await reader.next())?.map((e) => e.data)).toEqual(['1', '[DONE]']);
        reader.close(true);
      }
      expect(sockets.size).toBe(1);
    });

    it('an unclean close destroys the body: the upstream sees the connection go away', async () => {
      let closedAt = 0;
      const port = await start((res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\n');
        res.on('close', () => (closedAt = Date.now()));
      });
      const { Agent } = await import('node:http');
      const agent = new Agent({ keepAlive: true });
      pending.push(() => agent.destroy());
      const res = await request(port, agent);
      const reader = new SseReader(res, 1_000);
      expect(await reader.next()).toHaveLength(1);
      reader.close(false);
      const deadline = Date.now() + 1_000;
      while (!closedAt && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      expect(closedAt).toBeGreaterThan(0);
    });
  });
});
