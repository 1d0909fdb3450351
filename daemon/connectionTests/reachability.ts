/**
 * The connectivity stage of a connection test: DNS lookup of the base URL's host, then a TCP connect
 * (and a TLS handshake for https). It runs before any HTTP so that "the host does not exist", "nothing
 * listens on that port" and "the certificate is not trusted" each get their own plain sentence,
 * instead of the one generic "fetch failed" an SDK reports for all of them.
 */
import { promises as dns } from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';
import { certificateProblem } from '../providers/transport/certificate';

export type Reachability =
  | { ok: true; ms: number; reason: string }
  | { ok: false; ms: number; reason: string; /** A few words for the test's one-line summary. */ short: string };

export interface ProbeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

const NOT_TLS = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
]);

/** Probes `baseUrl`'s host and port. Never throws for network problems; rejects only when `signal` aborts. */
export async function probeReachability(baseUrl: string, opts: ProbeOptions): Promise<Reachability> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return {
      ok: false,
      ms: 0,
      reason: `The base URL "${baseUrl}" is not a valid URL: it should look like https://api.example.com/v1.`,
      short: 'Invalid base URL',
    };
  }
  const secure = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // IPv6 literals come bracketed
  const port = Number(url.port || (secure ? 443 : 80));
  const seconds = `${Math.round(opts.timeoutMs / 100) / 10} s`;

  let address = host;
  if (net.isIP(host) === 0) {
    try {
      address = (await withTimeout(dns.lookup(host), opts.timeoutMs, opts.signal)).address;
    } catch (error) {
      opts.signal?.throwIfAborted();
      const code = codeOf(error);
      const reason =
        code === 'TIMEOUT'
          ? `DNS lookup of ${host} took longer than ${seconds}: check your network or DNS settings.`
          : code === 'EAI_AGAIN'
            ? `DNS lookup of ${host} failed for now (EAI_AGAIN): check your network or DNS settings, then test again.`
            : `DNS lookup of ${host} failed (${code}): check the base URL.`;
      return { ok: false, ms: elapsed(), reason, short: `Unreachable: ${host} not found` };
    }
  }

  const where = address === host ? `${host}:${port}` : `${host} (${address}) port ${port}`;
  try {
    await connect({ host, address, port, secure, timeoutMs: opts.timeoutMs, signal: opts.signal });
  } catch (error) {
    opts.signal?.throwIfAborted();
    const code = codeOf(error);
    const local = isLoopback(address);
    const fail = (reason: string, short: string): Reachability => ({ ok: false, ms: elapsed(), reason, short });
    if (code === 'ECONNREFUSED') {
      return fail(
        local
          ? `Connection refused by ${address}:${port}: is the server (e.g. Ollama, LM Studio) running?`
          : `Connection refused by ${where}: check the port in the base URL; nothing accepts connections there.`,
        'Unreachable: connection refused',
      );
    }
    if (code === 'TIMEOUT' || code === 'ETIMEDOUT') {
      return fail(
        `No connection to ${where} within ${seconds}: the host may be down, or a firewall, VPN or proxy is blocking it.`,
        'Unreachable: connect timed out',
      );
    }
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') {
      return fail(
        `${where} cannot be reached from this machine (${code}): check your network or VPN.`,
        'Unreachable: no route to host',
      );
    }
    const certificate = certificateProblem(code, host);
    if (certificate) return fail(certificate.reason, certificate.short);
    if (secure && (NOT_TLS.has(code) || code === 'ECONNRESET')) {
      return fail(
        `${where} did not complete a TLS handshake (${code}): if the server speaks plain HTTP, use http:// in the base URL.`,
        'TLS handshake failed',
      );
    }
    return fail(`Could not connect to ${where} (${code}): check the base URL and your network.`, 'Unreachable');
  }
  const ms = elapsed();
  return { ok: true, ms, reason: `Reached ${where}${secure ? ' over TLS' : ''} in ${ms} ms.` };
}

interface ConnectTarget {
  host: string;
  address: string;
  port: number;
  secure: boolean;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** Opens and closes one socket; for TLS, resolves only once the certificate has been verified. */
function connect(t: ConnectTarget): Promise<void> {
  return new Promise((resolve, reject) => {
    // Connect to the address already resolved (no second lookup), but verify the certificate
    // against the host name, which is what the SDK will do.
    const socket = t.secure
      ? tls.connect({ host: t.address, port: t.port, ...(net.isIP(t.host) === 0 && { servername: t.host }) })
      : net.connect({ host: t.address, port: t.port });
    const finish = (error?: unknown) => {
      clearTimeout(timer);
      t.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = () => finish(t.signal!.reason);
    const timer = setTimeout(() => finish(codeError('TIMEOUT')), t.timeoutMs);
    socket.once(t.secure ? 'secureConnect' : 'connect', () => finish());
    socket.once('error', finish);
    if (t.signal?.aborted) onAbort();
    else t.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `getaddrinfo` has no timeout of its own; a stuck resolver must not stall the test. */
function withTimeout<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      cleanup();
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(codeError('TIMEOUT'));
    }, ms);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => (cleanup(), resolve(value)),
      (error: unknown) => (cleanup(), reject(error)),
    );
  });
}

function codeError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

function isLoopback(address: string): boolean {
  return (
    address === '::1' || address.startsWith('127.') || address === 'localhost' || address.startsWith('::ffff:127.')
  );
}
