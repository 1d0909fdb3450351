/**
 * Shared setup of the chat and OpenAI-endpoint integration suites: the REAL daemon process
 * (dist/daemon.js) on a fresh home, a real SwitchboardClient over its socket, and the mock upstream
 * on 127.0.0.1. Nothing of our own is mocked.
 */
import { execFileSync } from 'node:child_process';
import OpenAI from 'openai';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SwitchboardClient, type SwitchboardError } from '../../../shared/client';
import { ChatDelta, ConnectionsCreate, type Connection, type CreateConnectionParams } from '../../../shared/protocol';
export { cleanupDaemons } from '../../helpers/daemonProcess';
import { DAEMON_JS, startDaemon, type DaemonProcess } from '../../helpers/daemonProcess';
import {
  startMockUpstream,
  type MockUpstream,
  type MockUpstreamOptions,
  type RecordedRequest,
} from '../../mocks/upstream';

/** Builds dist/daemon.js when it is missing (call from beforeAll). */
export function ensureBuilt(): void {
  if (existsSync(DAEMON_JS)) return;
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: resolve(__dirname, '../../..'), stdio: 'inherit' });
}

/** A script of many chunks: ASCII, accents, CJK, emoji (astral and ZWJ sequences), newlines, empty strings. */
export function richChunks(n = 60): string[] {
  const pieces = [
    'Hello',
    ', ',
    'wörld',
    '',
    ' — ',
    '日本語',
    '🎉',
    '👩‍💻',
    '\n',
    '```ts\n',
    'const x = 1;',
    '\n```',
    '',
    'ça va',
    ' «ok»',
    '\t',
    '𝔘𝔫𝔦',
  ];
  return Array.from({ length: n }, (_, i) => pieces[i % pieces.length]! + (i % 5 === 0 ? '' : `${i}`));
}

export const KEYS = {
  a: 'sk-test-alpha-0123456789abcdefghij',
  b: 'sk-test-bravo-9876543210zyxwvutsrq',
  ant: 'sk-ant-test-charlie-0123456789abcd',
};

export interface Env {
  up: MockUpstream;
  daemon: DaemonProcess;
  client: SwitchboardClient;
  /** Every client made with `connect()` (the first included); closed by `teardown()`. */
  clients: SwitchboardClient[];
  connect(name?: string): Promise<SwitchboardClient>;
  create(params: CreateConnectionParams, via?: SwitchboardClient): Promise<Connection>;
  /** Chat-completion requests the mock received (model lists and other routes left out). */
  chats(): RecordedRequest[];
  /** Closes the clients, kills this daemon (by pid) and closes the mock. Call `cleanupDaemons()` in afterAll too. */
  teardown(): Promise<void>;
}

export async function setup(mockOptions: MockUpstreamOptions = {}, env: Record<string, string> = {}): Promise<Env> {
  const up = await startMockUpstream({ validKeys: Object.values(KEYS), ...mockOptions });
  const daemon = await startDaemon({ env });
  const clients: SwitchboardClient[] = [];
  const connect = async (name = 'integration-test') => {
    const c = await SwitchboardClient.connect({ home: daemon.home, clientName: name });
    clients.push(c);
    return c;
  };
  const client = await connect();
  return {
    up,
    daemon,
    client,
    clients,
    connect,
    create: async (params, via = client) => (await via.request(ConnectionsCreate, params)).connection,
    chats: () => up.requests.filter((r) => /\/(chat\/completions|messages)$/.test(r.path)),
    teardown: async () => {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await daemon.kill();
      await up.close();
    },
  };
}

/** The deltas a client receives for one stream, captured through onNotification. */
export function captureDeltas(
  client: SwitchboardClient,
  streamId: string,
): { indexes: number[]; texts: string[]; dispose(): void } {
  const indexes: number[] = [];
  const texts: string[] = [];
  const sub = client.onNotification(ChatDelta, (d) => {
    if (d.streamId !== streamId) return;
    indexes.push(d.index);
    if ('text' in d) texts.push(d.text);
  });
  return { indexes, texts, dispose: () => sub.dispose() };
}

/** Resolves to the error a promise rejects with; fails if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<SwitchboardError> {
  try {
    await promise;
  } catch (error) {
    return error as SwitchboardError;
  }
  throw new Error('expected the promise to reject');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The official OpenAI SDK as a client of the daemon's /v1 API, with the owner token and no retries. */
export function daemonOpenAI(env: Env, timeout = 15_000): OpenAI {
  return new OpenAI({
    baseURL: `http://127.0.0.1:${env.daemon.info.port}/v1`,
    apiKey: env.daemon.info.token,
    maxRetries: 0,
    timeout,
  });
}
export const user = (content: string) => [{ role: 'user' as const, content }];
