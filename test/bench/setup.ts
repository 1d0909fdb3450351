/** What the bench's phases share: the workload constants and a daemon with one connection to the mock. */
import { join } from 'node:path';
import { SwitchboardClient } from '../../shared/client';
import { ConnectionsCreate } from '../../shared/protocol';
import { makeAgent, type HttpTarget } from './loadgen';
import { REPO, startDaemon, type DaemonInfoLite } from './procs';

export const CHUNKS = 50;
export const KEY = 'sk-bench-0123456789abcdef';
export const MODEL = 'gpt-5.4';
export const EXPECT_TEXT = Array.from({ length: CHUNKS }, (_, i) => (i === 0 ? `tok${i}` : ` tok${i}`)).join('');
export const ARTIFACTS = join(REPO, 'test-artifacts/bench');

/** A daemon with one `custom` connection to the mock, ready for traffic. */
export async function daemonWithConnection(mockBaseUrl: string, nodeArgs: string[] = [], script?: string) {
  const daemon = await startDaemon(nodeArgs, script);
  const admin = await SwitchboardClient.connect({ home: daemon.home, clientName: 'bench', transport: 'unix' });
  const { connection } = await admin.request(ConnectionsCreate, {
    name: 'bench',
    provider: 'custom',
    baseUrl: mockBaseUrl,
    apiKey: KEY,
    defaultModel: MODEL,
    maxRetries: 0,
    isDefault: true,
  });
  if (connection.defaultModel !== MODEL || !connection.isDefault)
    throw new Error('connection was not created as the default with its model');
  return { ...daemon, admin, connection };
}

/** The Anthropic connection the bench adds for the /v1/messages and translated paths (the same mock, Anthropic's wire). */
export const CLAUDE_CONNECTION = 'claude';
export const CLAUDE_MODEL = 'claude-haiku-4-5';

export async function addAnthropicConnection(admin: SwitchboardClient, mockUrl: string): Promise<void> {
  await admin.request(ConnectionsCreate, {
    name: CLAUDE_CONNECTION,
    provider: 'anthropic',
    baseUrl: mockUrl,
    apiKey: KEY,
    defaultModel: CLAUDE_MODEL,
    maxRetries: 0,
  });
}

/** The bare relay (bareRelay.ts) as a target of the load generator. */
export function relayTarget(port: number, maxSockets: number): HttpTarget {
  return {
    name: 'relay',
    port,
    path: '/v1/chat/completions',
    token: KEY,
    model: MODEL,
    agent: makeAgent(maxSockets),
  };
}

export function daemonTarget(info: DaemonInfoLite, maxSockets: number): HttpTarget {
  return {
    name: 'daemon',
    port: info.port,
    path: '/v1/chat/completions',
    token: info.token,
    model: MODEL,
    agent: makeAgent(maxSockets),
  };
}

/** One RPC client per worker (each its own WebSocket on the unix socket). */
export async function rpcClients(home: string, n: number): Promise<SwitchboardClient[]> {
  return Promise.all(
    Array.from({ length: n }, () => SwitchboardClient.connect({ home, clientName: 'bench-rpc', transport: 'unix' })),
  );
}
