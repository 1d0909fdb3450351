/**
 * Starts and stops one daemon on one home: claims the home (single instance), opens the store and
 * the vault, registers every handler, listens, and publishes `daemon.json` last — so a client that
 * finds the file finds a daemon ready to answer. Shutdown undoes it in reverse and leaves no handle.
 */
import { randomBytes } from 'node:crypto';
import { PROTOCOL_VERSION } from '../shared/protocol';
import { ConnectionService } from './connections/service';
import { ProviderCatalog } from './connections/providerCatalog';
import type { DaemonContext } from './context';
import { EventHub } from './events';
import { claimHome, type DaemonInfo, removeDaemonInfo, writeDaemonInfo } from './home/discovery';
import { ensureHome, homePaths } from './home/paths';
import { Keyring } from './keys/keyring';
import { Vault } from './keys/vault';
import { createLogger, type Logger } from './log';
import { registerConnectionHandlers } from './rpc/connections';
import { registerDaemonHandlers } from './rpc/daemon';
import { registerEventHandlers } from './rpc/events';
import { registerProviderHandlers } from './rpc/providers';
import { Router } from './rpc/router';
import { registerSecretHandlers } from './rpc/secrets';
import { registerSignInHandlers } from './rpc/signIn';
import { registerTransferHandlers } from './rpc/transfer';
import { settingsAccess } from './transfer/settingsAccess';
import { RpcServer } from './server/rpcServer';
import { ChatService } from './chat/chatService';
import { keyRejectedInChat } from './connectionTests/keyRejectedInChat';
import { DEFAULT_STREAM_CAPS, StreamRegistry, type StreamCaps } from './chat/streamRegistry';
import { DEFAULT_MAX_QUEUED_BYTES } from './server/wsSession';
import { toResolved } from './connections/upstream';
import { createOpenAICompatHandler } from './http/openaiCompat';
import { ModelCache } from './models/modelCache';
import { LimitsAdmission } from './limits/admission';
import { discoveredCapacityRecorder } from './limits/discoveredCapacity';
import { PriceBook } from './pricing/priceBook';
import { adapterFor, invalidateClient, setRateLimitListener, toSwitchboardError } from './providers/registry';
import { registerBudgetHandlers } from './rpc/budgets';
import { registerChatHandlers } from './rpc/chat';
import { registerModelHandlers } from './rpc/models';
import { registerPriceHandlers } from './rpc/prices';
import { registerConnectionTestHandlers } from './rpc/connectionTests';
import { registerTokenHandlers } from './rpc/tokens';
import { ToolTokens } from './tokens/toolTokens';
import { registerUsageHandlers } from './rpc/usage';
import { TestScheduler } from './connectionTests/scheduler';
import { UsageLedger } from './usage/ledger';
import { AuditLog } from './store/auditLog';
import { Database } from './store/database';
import { DAEMON_VERSION } from './version';

export interface StartOptions {
  home: string;
  port: number;
  /** The port was not chosen by the user, so another one may be used when it is taken. */
  portIsDefault?: boolean;
  env: NodeJS.ProcessEnv;
  log?: Logger;
  /** Said in the log once the home is ours (e.g. the debug flags processGuard removed). */
  startupWarnings?: string[];
}

export type StartOutcome = { kind: 'started'; daemon: RunningDaemon } | { kind: 'alreadyRunning'; info: DaemonInfo };

export interface RunningDaemon {
  readonly info: DaemonInfo;
  readonly log: Logger;
  /** Resolves when the daemon has fully stopped. */
  readonly stopped: Promise<void>;
  stop(reason: string): Promise<void>;
}

export async function startDaemon(options: StartOptions): Promise<StartOutcome> {
  const paths = homePaths(options.home);
  ensureHome(paths.home);
  const log = options.log ?? createLogger({ file: paths.logFile, level: options.env.SWITCHBOARD_LOG_LEVEL === 'debug' ? 'debug' : 'info' });

  const claim = await claimHome(paths);
  if (claim.kind === 'running') return { kind: 'alreadyRunning', info: claim.info };
  for (const warning of options.startupWarnings ?? []) log.warn(warning);

  const cleanups: Array<() => Promise<void> | void> = [() => claim.release()];
  const runCleanups = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log.warn('cleanup step failed', { error });
      }
    }
  };

  try {
    const db = await Database.open(paths.dbFile, log);
    cleanups.push(() => db.close());
    const audit = new AuditLog(paths.auditFile, log);
    const vault = await Vault.open({ file: paths.vaultFile, masterKeyFile: paths.masterKeyFile, env: options.env, log });
    const keyring = new Keyring(vault, options.env);
    const router = new Router(log);
    let server: RpcServer | undefined;
    const events = new EventHub(() => server?.sessions ?? []);
    const providers = new ProviderCatalog(db);
    const connections = new ConnectionService({ db, audit, vault, keyring, events, providers, ownPorts: () => (server ? [server.port] : []) });
    await connections.secureStoredHeaders(log);

    let stopRequested: ((reason: string) => void) | undefined;
    const ctx: DaemonContext = {
      version: DAEMON_VERSION,
      startedAt: new Date(),
      paths,
      log,
      db,
      audit,
      keyring,
      events,
      connections,
      providers,
      sessions: () => server?.sessions ?? new Set(),
      listening: () => ({ socket: server?.socketPath ?? paths.socket, port: server?.port ?? 0 }),
      // Deferred a tick so the shutdown response reaches the client before sockets close.
      requestShutdown: (reason) => setTimeout(() => stopRequested?.(reason), 20),
    };

    const resolveUpstream = (connectionId: string) => {
      const stored = connections.stored(connectionId);
      return toResolved(stored, providers.require(stored.provider), connections.keyFor(stored), connections.headerSecretsFor(stored));
    };
    const models = new ModelCache({ db, log, adapterFor, resolve: resolveUpstream });
    cleanups.push(() => models.close());
    // A new URL, provider or key may offer other models; a deleted connection needs no list.
    events.onConnectionChanged(({ kind, id }) => {
      if (kind !== 'defaultChanged') models.forget(id);
      if (kind !== 'created') invalidateClient(id);
    });
    const ledger = new UsageLedger(db);
    const limits = serverLimits(options.env);
    const streams = new StreamRegistry(limits.streams);
    const pricing = new PriceBook(db, providers);
    const admission = new LimitsAdmission({ db, ledger, pricing, events, log });
    // A deleted connection's counters go; changed limits may let queued requests in sooner.
    events.onConnectionChanged(({ kind, id }) => (kind === 'deleted' ? admission.forget(id) : admission.reconsider(id)));
    // Rate limits come from chat streams (their rateLimits chunk) and from every other answer (429s, model lists).
    const recordRateLimits = discoveredCapacityRecorder(db);
    setRateLimitListener(recordRateLimits);
    cleanups.push(() => setRateLimitListener(undefined));
    const chat = new ChatService({ connections, providers, adapterFor: (conn) => adapterFor(conn.provider), toSwitchboardError, ledger, log, pricing, admission, onRateLimits: recordRateLimits,
      onKeyRejected: (id, hadKey) => {
        const stored = connections.find(id);
        const provider = stored && providers.find(stored.provider);
        if (provider) connections.recordTest(id, keyRejectedInChat(provider, hadKey)).catch((error: unknown) => log.warn('could not record a rejected key', { error }));
      },
    });
    const scheduler = new TestScheduler({ db, log, connections, providers, adapterFor, models });
    cleanups.push(() => scheduler.stop());

    registerDaemonHandlers(router, ctx, { activeStreams: () => streams.size });
    registerConnectionHandlers(router, ctx);
    registerProviderHandlers(router, ctx);
    registerSecretHandlers(router, ctx);
    registerSignInHandlers(router, ctx);
    registerEventHandlers(router, ctx, { onSettingsChanged: () => scheduler.reschedule() });
    registerChatHandlers(router, chat, streams);
    registerModelHandlers(router, ctx, models);
    registerConnectionTestHandlers(router, ctx, { adapterFor, models });
    registerUsageHandlers(router, ledger);
    registerBudgetHandlers(router, { connections, budgets: admission.budgets });
    registerPriceHandlers(router, { prices: pricing, audit });
    registerTransferHandlers(router, { version: DAEMON_VERSION, connections, providers, prices: pricing, settings: settingsAccess(db, audit, () => scheduler.reschedule()) });
    const tokens = new ToolTokens({ db, audit });
    registerTokenHandlers(router, { tokens, budgets: admission.budgets });
    // A revoked token's open sockets close at once (its HTTP requests are refused from the next one).
    tokens.onRevoked((tokenId) => {
      for (const session of server?.sessions ?? []) if (session.caller.kind === 'tool' && session.caller.tokenId === tokenId) session.disconnect(4401, 'tool token revoked');
    });
    const httpHandler = createOpenAICompatHandler({
      chat,
      connections,
      providers,
      log,
      // /v1/models answers at once, even when an upstream is dead: cached lists, refreshed in the background.
      cachedModelsOf: (id) => models.peek(id)?.map((m) => m.id),
    });

    const token = randomBytes(32).toString('hex');
    const serverOptions = {
      socketPath: paths.socket, token, router, log, httpHandler, toolTokens: tokens, onSessionClose: (s: { id: string }) => streams.cancelSession(s.id),
      maxQueuedBytes: limits.maxQueuedBytes, maxStreamsPerClient: limits.streams.perClient,
    };
    try {
      server = await RpcServer.start({ ...serverOptions, port: options.port });
    } catch (error) {
      // The default port is a convenience for tools configured once; if something else holds it, any port will do.
      if (!options.portIsDefault || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      log.warn(`port ${options.port} is in use; listening on a free port instead (daemon.json has it)`);
      server = await RpcServer.start({ ...serverOptions, port: 0 });
    }
    const listening = server;
    cleanups.push(() => listening.close());
    // Runs before the sockets close, so each running stream's client is told why it ended.
    cleanups.push(() => streams.cancelAll());
    // Before the sockets close: an HTTP request still queued for capacity gets its answer.
    cleanups.push(() => admission.close());

    const info: DaemonInfo = { pid: process.pid, version: DAEMON_VERSION, protocolVersion: PROTOCOL_VERSION, socket: server.socketPath, port: server.port, token, startedAt: ctx.startedAt.toISOString() };
    writeDaemonInfo(paths.daemonJson, info);
    // Only ours: a stopping daemon must never delete a successor's discovery file.
    cleanups.push(() => removeDaemonInfo(paths.daemonJson));

    let stopping: Promise<void> | undefined;
    let resolveStopped!: () => void;
    const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
    const stop = (reason: string) => {
      stopping ??= (async () => {
        log.info(`stopping: ${reason}`);
        await runCleanups();
        log.info('stopped');
        resolveStopped();
      })();
      return stopping;
    };
    stopRequested = (reason) => void stop(reason);
    scheduler.start();
    log.info(`listening`, { socket: info.socket, port: info.port, home: paths.home, version: DAEMON_VERSION });
    return { kind: 'started', daemon: { info, log, stopped, stop } };
  } catch (error) {
    await runCleanups();
    throw error;
  }
}

/**
 * Stream caps and the per-client reply queue bound; the environment may lower or raise them
 * (SWITCHBOARD_MAX_STREAMS, SWITCHBOARD_MAX_STREAMS_PER_CLIENT, SWITCHBOARD_MAX_QUEUED_BYTES).
 */
function serverLimits(env: NodeJS.ProcessEnv): { streams: StreamCaps; maxQueuedBytes: number } {
  const positive = (raw: string | undefined, fallback: number) => {
    const n = Number(raw);
    return raw !== undefined && raw !== '' && Number.isInteger(n) && n > 0 ? n : fallback;
  };
  return {
    streams: { global: positive(env.SWITCHBOARD_MAX_STREAMS, DEFAULT_STREAM_CAPS.global), perClient: positive(env.SWITCHBOARD_MAX_STREAMS_PER_CLIENT, DEFAULT_STREAM_CAPS.perClient) },
    maxQueuedBytes: positive(env.SWITCHBOARD_MAX_QUEUED_BYTES, DEFAULT_MAX_QUEUED_BYTES),
  };
}
