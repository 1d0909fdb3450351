/**
 * The header a provider's key travels in when the provider names its own (`Provider.authHeader`):
 * `api-key: <key>`, `Authorization: Token <key>`… for servers that take neither the openai format's
 * `Authorization: Bearer` nor the anthropic format's `x-api-key`. Both paths that send a key use it —
 * the SDK clients (openaiAdapter.ts, anthropicAdapter.ts: chat, tests, model lists) and the forwarder
 * (forward/upstreamTarget.ts) — so the key goes in that header and in no other.
 */
import { authHeaderValue } from '../../shared/rules/providerFields';
import type { ResolvedConnection } from './adapter';

export interface KeyHeader {
  /** Lowercased, as the SDKs and node:http compare header names. */
  name: string;
  value: string;
}

/** The custom key header of this connection, or undefined: the provider uses its format's own, or there is no key. */
export function customKeyHeader(conn: ResolvedConnection): KeyHeader | undefined {
  const auth = conn.provider.authHeader;
  if (!auth || !conn.apiKey) return undefined;
  return { name: auth.name.toLowerCase(), value: authHeaderValue(auth.prefix, conn.apiKey) };
}

/**
 * `defaultHeaders` entries for an SDK client of a provider with a custom key header: the SDK's own
 * auth headers (`formatAuth`) removed (null deletes a header in both SDKs and satisfies their "is
 * there any auth?" check), then the custom one — which may itself be one of them (`Authorization: Token …`).
 * Empty when the provider uses its format's own header.
 */
export function sdkKeyHeaders(
  conn: ResolvedConnection,
  formatAuth: readonly string[],
): Record<string, string | null> | undefined {
  const custom = customKeyHeader(conn);
  if (!custom) return undefined;
  const headers: Record<string, string | null> = {};
  for (const name of formatAuth) headers[name] = null;
  headers[custom.name] = custom.value;
  return headers;
}

/** Whether two providers send the key the same way (a cached SDK client is rebuilt when they do not). */
export function sameKeyHeader(a: ResolvedConnection['provider'], b: ResolvedConnection['provider']): boolean {
  return a.authHeader?.name === b.authHeader?.name && a.authHeader?.prefix === b.authHeader?.prefix;
}
