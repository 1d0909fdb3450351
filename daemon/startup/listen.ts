/**
 * Step 4 of starting: listen on the Unix socket and the loopback port (JSON-RPC on `/rpc`, the
 * OpenAI- and Anthropic-compatible HTTP APIs beside it), with a fresh owner token.
 */
import { randomBytes } from 'node:crypto';
import type { HomePaths } from '../home/paths';
import { createOpenAICompatHandler } from '../http/openaiCompat';
import type { Logger } from '../log';
import type { Router } from '../rpc/router';
import { RpcServer } from '../server/rpcServer';
import type { Cleanups } from './cleanups';
import type { ServerLimits } from './serverLimits';
import type { Services } from './services';

export interface ListenOptions {
  paths: HomePaths;
  port: number;
  /** The port was not chosen by the user, so another one may be used when it is taken. */
  portIsDefault?: boolean;
  log: Logger;
  router: Router;
  limits: ServerLimits;
}

export async function listen(
  opts: ListenOptions,
  s: Services,
  cleanups: Cleanups,
): Promise<{ server: RpcServer; token: string }> {
  const { paths, log, limits } = opts;
  const httpHandler = createOpenAICompatHandler({
    chat: s.chat,
    connections: s.connections,
    providers: s.providers,
    log,
    // /v1/models answers at once, even when an upstream is dead: cached lists, refreshed in the background.
    cachedModelsOf: (id) => s.models.peek(id)?.map((m) => m.id),
    factsOf: (provider, model) => s.facts.factsOf(provider, model),
    streams: s.streams,
  });
  const token = randomBytes(32).toString('hex');
  const serverOptions = {
    socketPath: paths.socket,
    token,
    router: opts.router,
    log,
    httpHandler,
    toolTokens: s.tokens,
    onSessionClose: (session: { id: string }) => s.streams.cancelSession(session.id),
    maxQueuedBytes: limits.maxQueuedBytes,
    maxStreamsPerClient: limits.streams.perClient,
  };
  let server: RpcServer;
  try {
    server = await RpcServer.start({ ...serverOptions, port: opts.port });
  } catch (error) {
    // The default port is a convenience for tools configured once; if something else holds it, any port will do.
    if (!opts.portIsDefault || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    log.warn(`port ${opts.port} is in use; listening on a free port instead (daemon.json has it)`);
    server = await RpcServer.start({ ...serverOptions, port: 0 });
  }
  cleanups.push(() => server.close());
  // Runs before the sockets close, so each running stream's client is told why it ended.
  cleanups.push(() => s.streams.cancelAll());
  // Before the sockets close: an HTTP request still queued for capacity gets its answer.
  cleanups.push(() => s.admission.close());
  return { server, token };
}
