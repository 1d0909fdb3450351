/**
 * SDK client instances, cached per connection, and the options every client gets.
 *
 * Building a client parses env vars, resolves defaults and allocates a fetch wrapper: too much for
 * the streaming hot path, so one client serves every request of a connection until its settings
 * (or key) change. The check is a field-by-field compare, cheaper than hashing on every request.
 */
import type { RateLimitReport } from '../chat/ports';
import type { ResolvedConnection } from './adapter';
import { createUpstreamFetch, RETRY_WAIT_CAP_MS } from './transport/upstreamFetch';
import { sameKeyHeader } from './customAuth';

/**
 * Stand-in key for keyless servers (Ollama, LM Studio…): both SDKs refuse to build a client without
 * a credential, so this is passed, and the header it would fill is removed (see {@link sdkHeaders}):
 * it never reaches the wire.
 */
export const NO_KEY = 'switchboard-no-key';

/**
 * Pins the SDKs' logging off. Both read OPENAI_LOG / ANTHROPIC_LOG only when `logLevel` is not
 * given, and at `debug` they print request details to the console; the no-op logger is a second
 * lock in case a level ever gets through.
 */
export const QUIET = {
  logLevel: 'off' as const,
  logger: { debug() {}, info() {}, warn() {}, error() {} },
};

interface Entry {
  kind: string;
  conn: ResolvedConnection;
  client: unknown;
}

const cache = new Map<string, Entry>();

/** The cached client of `kind` for this connection, built by `create` when missing or stale. */
export function cachedClient<T>(kind: string, conn: ResolvedConnection, create: (conn: ResolvedConnection) => T): T {
  const hit = cache.get(conn.id);
  if (hit && hit.kind === kind && (hit.conn === conn || sameSettings(hit.conn, conn))) return hit.client as T;
  const client = create(conn);
  cache.set(conn.id, { kind, conn: snapshot(conn), client });
  return client;
}

/** Drops the cached client of a connection (call on update, key change, delete). */
export function invalidateClient(connectionId: string): void {
  cache.delete(connectionId);
  // A Bedrock connection has a second client (its control plane), cached under this id.
  cache.delete(`${connectionId}#control`);
}

/** Drops every cached client (shutdown, tests). */
export function clearClients(): void {
  cache.clear();
}

type RateLimitListener = (connectionId: string, report: RateLimitReport) => void;

/** Set by the daemon (discovered capacity); one daemon per process, so one listener. */
let rateLimitListener: RateLimitListener | undefined;

/**
 * Receives the rate-limit figures of every upstream answer read outside a chat stream (errors such as
 * 429, model lists), by connection id. `undefined` stops it (shutdown, tests).
 */
export function setRateLimitListener(listener: RateLimitListener | undefined): void {
  rateLimitListener = listener;
}

/** Hands an answer's rate limits to the listener (the adapters' own requests, outside the SDKs' fetch). */
export function reportRateLimits(connectionId: string, report: RateLimitReport): void {
  rateLimitListener?.(connectionId, report);
}

/** The fetch every client of this connection uses (idle deadline, retry gating, rate-limit headers). */
export function upstreamFetchFor(conn: ResolvedConnection) {
  const connectionId = conn.id;
  return createUpstreamFetch({
    idleTimeoutMs: conn.timeoutMs,
    maxRetryWaitMs: Math.min(conn.timeoutMs, RETRY_WAIT_CAP_MS),
    // Looked up at each answer: a client cached before the listener was set still reports.
    onRateLimits: (info) => rateLimitListener?.(connectionId, info),
  });
}

/**
 * `defaultHeaders` for a client: the connection's own headers, with
 * - every header named in `envVar` (OPENAI_CUSTOM_HEADERS / ANTHROPIC_CUSTOM_HEADERS) removed:
 *   the SDKs would otherwise add them to every request, to every provider, behind the user's back;
 * - the auth headers removed when there is no key (null deletes a header in both SDKs, and also
 *   satisfies their "is there any auth?" check).
 */
export function sdkHeaders(
  conn: ResolvedConnection,
  envVar: string,
  authHeaders: readonly string[],
): Record<string, string | null> {
  const headers: Record<string, string | null> = {};
  for (const line of (process.env[envVar] ?? '').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim()] = null;
  }
  Object.assign(headers, conn.headers);
  if (!conn.apiKey) for (const name of authHeaders) headers[name] = null;
  return headers;
}

function snapshot(conn: ResolvedConnection): ResolvedConnection {
  return {
    ...conn,
    ...(conn.headers && { headers: { ...conn.headers } }),
    ...(conn.aws && { aws: { ...conn.aws } }),
  };
}

function sameSettings(a: ResolvedConnection, b: ResolvedConnection): boolean {
  return (
    a.apiKey === b.apiKey &&
    a.baseUrl === b.baseUrl &&
    a.timeoutMs === b.timeoutMs &&
    a.maxRetries === b.maxRetries &&
    a.organization === b.organization &&
    a.apiVersion === b.apiVersion &&
    a.provider.id === b.provider.id &&
    a.provider.adapter === b.provider.adapter &&
    a.provider.azure === b.provider.azure &&
    sameKeyHeader(a.provider, b.provider) &&
    sameHeaders(a.headers, b.headers) &&
    JSON.stringify(a.aws) === JSON.stringify(b.aws)
  );
}

function sameHeaders(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === b) return true;
  const ak = a ? Object.keys(a) : [];
  const bk = b ? Object.keys(b) : [];
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (a![k] !== b?.[k]) return false;
  return true;
}
