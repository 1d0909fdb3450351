/**
 * A base URL that leads to the daemon itself would send every request on this connection back
 * into the daemon: a request loop. The hop header (daemon/loopGuard.ts) stops one that gets through
 * after a single refused request; this refuses the plain case when the connection is saved, with
 * a sentence saying why: the URL's port is one the daemon listens on, and its host is this
 * machine (a loopback or unspecified address, an address of one of its interfaces, or a name that
 * resolves to one).
 */
import { promises as dns } from 'node:dns';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { validationError } from './errors';

/** A name that does not resolve within this is not checked further (the hop header still guards). */
const LOOKUP_TIMEOUT_MS = 2_000;

/** Throws VALIDATION when `baseUrl` points at one of `ownPorts` on this machine. */
export async function refuseSelfLoop(baseUrl: string, ownPorts: readonly number[]): Promise<void> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return; // not a URL: the schema's check, not this one
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (!ownPorts.includes(port)) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host) ? [host] : await resolve(host);
  if (!addresses.some(isThisMachine)) return;
  throw validationError(
    'baseUrl',
    `${baseUrl} points back at this Switchboard daemon (port ${port} on this machine): every request on the connection would come back into the daemon in a loop.`,
    "Use the provider's own URL (e.g. https://api.openai.com/v1, or http://127.0.0.1:11434/v1 for Ollama). Tools talk to the daemon; a connection talks to a provider.",
  );
}

async function resolve(host: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error('lookup timed out')), LOOKUP_TIMEOUT_MS)),
    );
    const found = await Promise.race([dns.lookup(host, { all: true }), timeout]);
    return found.map((a) => a.address);
  } catch {
    return []; // unknown name: the connection test will say so
  } finally {
    clearTimeout(timer);
  }
}

function isThisMachine(address: string): boolean {
  const a = address.toLowerCase().replace(/^::ffff:/, '');
  if (a === '::1' || a === '::' || a === '0.0.0.0' || a.startsWith('127.')) return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address.toLowerCase() === a));
}
