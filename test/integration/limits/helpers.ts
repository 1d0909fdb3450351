/**
 * Shared by the limits integration suites: one chat as a client sees its outcome (answer or typed
 * error), over JSON-RPC or over the OpenAI-compatible HTTP endpoint, with the time it was answered.
 */
import type { SwitchboardClient, SwitchboardError } from '../../../shared/client';
import type { ChatOptions, ChatStreamResult } from '../../../shared/protocol';
import type { Env } from '../chat/harness';

export type RpcOutcome =
  { ok: true; result: ChatStreamResult; at: number } | { ok: false; error: SwitchboardError; at: number };

export interface ChatCall {
  model?: string;
  options?: ChatOptions;
  signal?: AbortSignal;
  content?: string;
}

/** One `chat/stream` to the end; never rejects. */
export async function rpcChat(
  client: SwitchboardClient,
  connectionId: string,
  call: ChatCall = {},
): Promise<RpcOutcome> {
  const stream = client.chat(
    {
      connectionId,
      ...(call.model && { model: call.model }),
      messages: [{ role: 'user', content: call.content ?? 'hi' }],
      ...(call.options && { options: call.options }),
    },
    { ...(call.signal && { signal: call.signal }) },
  );
  try {
    const result = await stream.result;
    return { ok: true, result, at: Date.now() };
  } catch (error) {
    return { ok: false, error: error as SwitchboardError, at: Date.now() };
  }
}

/** The error of a refused outcome (fails the test if it was answered). */
export function errorOf(outcome: RpcOutcome): SwitchboardError {
  if (outcome.ok) throw new Error(`expected a refusal, got an answer from ${outcome.result.connectionName}`);
  return outcome.error;
}

export interface HttpOutcome {
  status: number;
  headers: Headers;
  body: any;
  at: number;
}

/** One non-streamed `POST /v1/chat/completions`, as any OpenAI-speaking tool sends it. */
export async function httpChat(env: Env, model: string, extra: Record<string, unknown> = {}): Promise<HttpOutcome> {
  const res = await fetch(`http://127.0.0.1:${env.daemon.info.port}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.daemon.info.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text), at: Date.now() };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
