/**
 * Node's own diagnostics must not leak keys. With `NODE_DEBUG=http,net,tls,undici,fetch` Node prints
 * every outgoing request's options (its headers, so the key) to stderr; with `--report-on-signal`
 * it writes a report holding the whole environment. The real daemon is started with both, a canary
 * key goes upstream in a chat, and a report is asked for with SIGUSR2. Then no canary may appear in
 * its output, the daemon says what it removed, and the report lies in the home as a 0600 file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanDaemonEnv } from '../../../shared/client/daemonEnv';
import { cleanupDaemons, eventually, spawnDaemon, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import { closeClients, connectClient, ensureDaemonBuilt } from '../../helpers/integrationClient';
import { startMockUpstream, type MockUpstream } from '../../mocks/upstream';
import { ConnectionsCreate } from '../../../shared/protocol';
import { canary, findLeaks } from './canaryScan';

const KEY = canary('sk-CANARY-debug-');
const ENV_KEY = canary('CANARYENVDEBUG');
let mock: MockUpstream;
let daemon: DaemonProcess;
let reports: string[] = [];

beforeAll(async () => {
  ensureDaemonBuilt();
  mock = await startMockUpstream({ validKeys: [KEY, ENV_KEY] });
  daemon = await startDaemon({
    env: {
      NODE_DEBUG: 'http,net,tls,undici,fetch,http2',
      NODE_OPTIONS: '--report-on-signal',
      SB_DEBUG_CANARY: ENV_KEY,
    },
  });
  const client = await connectClient(daemon, 'diagnostics');
  for (const [name, key] of [
    ['vault-key', { apiKey: KEY }],
    ['env-key', { keySource: 'env:SB_DEBUG_CANARY' as const }],
  ] as const) {
    const { connection } = await client.request(ConnectionsCreate, {
      name,
      provider: 'openai',
      baseUrl: mock.openaiBaseUrl,
      defaultModel: 'gpt-5.4',
      ...key,
    });
    const answer = await client.chat({ connectionId: connection.id, messages: [{ role: 'user', content: 'hi' }] })
      .result;
    expect(answer.text).toBe('Hello from mock');
  }
  expect(mock.requests.map((r) => r.authKey)).toEqual(expect.arrayContaining([KEY, ENV_KEY])); // the keys did go out
  daemon.proc.kill('SIGUSR2');
  expect(
    await eventually(
      () => (reports = readdirSync(daemon.home).filter((f) => /^report\..*\.json$/.test(f))).length > 0,
      10_000,
    ),
  ).toBe(true);
  await closeClients();
  expect(await daemon.stop()).toBe(0);
}, 60_000);
afterAll(async () => {
  await closeClients();
  await cleanupDaemons();
  await mock?.close();
});

describe('debug flags', () => {
  it('keeps every canary out of the daemon output even with NODE_DEBUG=http,net,tls,undici,fetch', () => {
    expect(findLeaks('daemon stdout/stderr', daemon.output(), [KEY, ENV_KEY])).toEqual([]);
    expect(findLeaks('daemon.log', readFileSync(join(daemon.home, 'daemon.log'), 'utf8'), [KEY, ENV_KEY])).toEqual([]);
  });

  it('says in its log which debug flags it removed', () => {
    expect(readFileSync(join(daemon.home, 'daemon.log'), 'utf8')).toMatch(
      /WARN .*Removed NODE_DEBUG=http, NODE_DEBUG=net, NODE_DEBUG=tls, NODE_DEBUG=undici, NODE_DEBUG=fetch, NODE_DEBUG=http2/,
    );
  });

  it('refuses to start with NODE_DEBUG_NATIVE, saying what to unset', async () => {
    const run = spawnDaemon({ env: { NODE_DEBUG_NATIVE: 'TLS,HTTP2SESSION' } });
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/Unset NODE_DEBUG_NATIVE/);
  });

  it('gives the CLI and the extension an environment without the leaky sections', () => {
    const env = cleanDaemonEnv({ NODE_DEBUG: 'module,HTTP*,timer', NODE_DEBUG_NATIVE: 'TLS', PATH: '/bin' });
    expect(env).toEqual({ NODE_DEBUG: 'module,timer', PATH: '/bin' });
    expect(cleanDaemonEnv({ NODE_DEBUG: '*' }).NODE_DEBUG).toBeUndefined();
  });
});

describe('diagnostic reports', () => {
  it('writes the report into the home, readable by the owner only', () => {
    expect(reports).toHaveLength(1);
    const file = join(daemon.home, reports[0]!);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // It holds the environment (this is why): the env key is in it, so it must stay private.
    expect(readFileSync(file, 'utf8')).toContain('SB_DEBUG_CANARY');
    // Nothing in the daemon's working directory.
    const pid = String(daemon.info.pid);
    expect(readdirSync(process.cwd()).filter((f) => f.startsWith('report.') && f.includes(pid))).toEqual([]);
  });

  it('writes a report meant for stdout into the home too', async () => {
    const other = await startDaemon({ env: { NODE_OPTIONS: '--report-on-signal --report-filename=stdout' } });
    const before = other.output().length;
    other.proc.kill('SIGUSR2');
    expect(await eventually(() => readdirSync(other.home).some((f) => /^report\..*\.json$/.test(f)), 10_000)).toBe(
      true,
    );
    expect(other.output().slice(before)).not.toMatch(/"environmentVariables"/);
    expect(existsSync(join(other.home, 'daemon.json'))).toBe(true);
    await other.stop();
  });
});
