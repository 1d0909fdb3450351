/**
 * JSON-RPC ids the daemon cannot echo exactly: a number past 2^53 loses digits when parsed, so the
 * reply would name another call. The real daemon refuses it clearly instead; ids it can keep exact
 * (every safe integer, any string) come back byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupDaemons, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { ensureDaemonBuilt } from '../../helpers/integrationClient';
import { connectUnix, type RawRpc } from '../../helpers/rawRpc';

let daemon: DaemonProcess;
let raw: RawRpc;
const replies: string[] = [];

beforeAll(async () => {
  ensureDaemonBuilt();
  daemon = await startDaemon();
  raw = await connectUnix(daemon.info);
  raw.ws.on('message', (d) => replies.push(d.toString()));
});
afterAll(async () => {
  await raw?.close();
  await cleanupDaemons();
});

describe('JSON-RPC ids', () => {
  it('refuses a numeric id beyond 2^53 with -32600, saying to send it as a string', async () => {
    const reply = (await raw.sendRaw('{"jsonrpc":"2.0","id":12345678901234567890,"method":"daemon/status"}')) as {
      id: unknown;
      error: { code: number; message: string };
    };
    expect(reply.id).toBeNull();
    expect(reply.error.code).toBe(-32600);
    expect(reply.error.message).toMatch(/beyond 2\^53.*send it as a string/);
    expect(replies.at(-1)).not.toContain('12345678901234567000');
  });

  it('echoes the largest safe integer and a long string id exactly', async () => {
    await raw.sendRaw('{"jsonrpc":"2.0","id":9007199254740991,"method":"daemon/status"}');
    expect(replies.at(-1)).toContain('"id":9007199254740991');
    await raw.sendRaw('{"jsonrpc":"2.0","id":"12345678901234567890","method":"daemon/status"}');
    expect(replies.at(-1)).toContain('"id":"12345678901234567890"');
  });
});
