/**
 * The paths the bench measures side by side, each streaming the same 50-chunk answer from the same
 * mock: straight to the mock ("direct"), through the bare node:http relay (the floor), and through
 * the daemon — forwarding OpenAI chat completions and Anthropic Messages, translating OpenAI → an
 * Anthropic connection, and JSON-RPC `chat/stream`.
 */
import type { BenchPath } from './level';
import { anthropicRequestBody, requestBody } from './loadgen';
import type { DaemonInfoLite } from './procs';
import { CLAUDE_CONNECTION, CLAUDE_MODEL, KEY, MODEL } from './setup';

/** Every path name, in measuring order; `--paths` picks some (their baselines come along). */
export const PATH_NAMES = [
  'direct',
  'relay',
  'daemon',
  'rpc',
  'direct-anthropic',
  'relay-anthropic',
  'messages',
  'translated',
] as const;

export function benchPaths(ports: { mock: number; relay: number }, daemon: DaemonInfoLite): BenchPath[] {
  const openai = (name: string, port: number, token: string, model: string) => ({
    name,
    port,
    path: '/v1/chat/completions',
    token,
    model,
  });
  const anthropic = (name: string, port: number, token: string, model: string) => ({
    name,
    port,
    path: '/v1/messages',
    token,
    model,
    format: 'anthropic' as const,
    apiKeyHeader: true,
  });
  const claude = `${CLAUDE_CONNECTION}/${CLAUDE_MODEL}`;
  return [
    {
      name: 'direct',
      label: 'direct (mock, OpenAI format)',
      http: { target: openai('direct', ports.mock, KEY, MODEL), body: requestBody(MODEL) },
    },
    {
      name: 'relay',
      label: 'bare relay (OpenAI format)',
      relayProc: 'relay',
      direct: 'direct',
      http: { target: openai('relay', ports.relay, KEY, MODEL), body: requestBody(MODEL) },
    },
    {
      name: 'daemon',
      label: 'daemon /v1/chat/completions → OpenAI (forward)',
      relayProc: 'daemon',
      direct: 'direct',
      floor: 'relay',
      http: { target: openai('daemon', daemon.port, daemon.token, MODEL), body: requestBody(MODEL) },
    },
    {
      name: 'rpc',
      label: 'daemon JSON-RPC chat/stream → OpenAI',
      relayProc: 'daemon',
      direct: 'direct',
      floor: 'relay',
    },
    {
      name: 'direct-anthropic',
      label: 'direct (mock, Anthropic format)',
      http: {
        target: anthropic('direct-anthropic', ports.mock, KEY, CLAUDE_MODEL),
        body: anthropicRequestBody(CLAUDE_MODEL),
      },
    },
    {
      name: 'relay-anthropic',
      label: 'bare relay (Anthropic format)',
      relayProc: 'relay',
      direct: 'direct-anthropic',
      http: {
        target: anthropic('relay-anthropic', ports.relay, KEY, CLAUDE_MODEL),
        body: anthropicRequestBody(CLAUDE_MODEL),
      },
    },
    {
      name: 'messages',
      label: 'daemon /v1/messages → Anthropic (forward)',
      relayProc: 'daemon',
      direct: 'direct-anthropic',
      floor: 'relay-anthropic',
      http: { target: anthropic('messages', daemon.port, daemon.token, claude), body: anthropicRequestBody(claude) },
    },
    {
      name: 'translated',
      label: 'daemon /v1/chat/completions → Anthropic (translated)',
      relayProc: 'daemon',
      direct: 'direct-anthropic',
      floor: 'relay-anthropic',
      http: { target: openai('translated', daemon.port, daemon.token, claude), body: requestBody(claude) },
    },
  ];
}

/** The paths named in `wanted`, with the direct and relay paths they are compared against. */
export function selectPaths(all: readonly BenchPath[], wanted: readonly string[] | undefined): BenchPath[] {
  if (!wanted) return [...all];
  const unknown = wanted.filter((w) => !all.some((p) => p.name === w));
  if (unknown.length) throw new Error(`--paths: ${unknown.join(', ')} not among ${all.map((p) => p.name).join(', ')}`);
  const keep = new Set<string>();
  for (const name of wanted) {
    const p = all.find((x) => x.name === name)!;
    for (const n of [p.name, p.direct, p.floor]) if (n) keep.add(n);
    const floor = all.find((x) => x.name === p.floor);
    if (floor?.direct) keep.add(floor.direct);
  }
  return all.filter((p) => keep.has(p.name));
}
