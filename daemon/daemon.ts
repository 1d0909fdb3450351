/**
 * Starts and stops one daemon on one home: claims the home (single instance), then in four steps
 * (daemon/startup/) opens the stores, builds the services, registers the handlers and listens, and
 * publishes `daemon.json` last — so a client that finds the file finds a daemon ready to answer.
 * Shutdown undoes it in reverse and leaves no handle.
 */
import { PROTOCOL_VERSION } from '../shared/protocol';
import { claimHome, type DaemonInfo, removeDaemonInfo, writeDaemonInfo } from './home/discovery';
import { ensureHome, homePaths } from './home/paths';
import { createLogger, type Logger } from './log';
import { Router } from './rpc/router';
import type { RpcServer } from './server/rpcServer';
import { Cleanups } from './startup/cleanups';
import { registerHandlers } from './startup/handlers';
import { listen } from './startup/listen';
import { serverLimits } from './startup/serverLimits';
import { buildServices } from './startup/services';
import { openStores } from './startup/stores';
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
  const log =
    options.log ??
    createLogger({ file: paths.logFile, level: options.env.SWITCHBOARD_LOG_LEVEL === 'debug' ? 'debug' : 'info' });

  const claim = await claimHome(paths);
  if (claim.kind === 'running') return { kind: 'alreadyRunning', info: claim.info };
  for (const warning of options.startupWarnings ?? []) log.warn(warning);
  const cleanups = new Cleanups(log);
  cleanups.push(() => claim.release());

  try {
    const startedAt = new Date();
    const limits = serverLimits(options.env);
    let server: RpcServer | undefined;
    let stop: ((reason: string) => Promise<void>) | undefined;

    const stores = await openStores(paths, options.env, log, cleanups);
    const services = await buildServices(
      stores,
      { log, limits, sessions: () => server?.sessions ?? [], ownPorts: () => (server ? [server.port] : []) },
      cleanups,
    );
    const router = new Router(log);
    registerHandlers(router, stores, services, {
      version: DAEMON_VERSION,
      startedAt,
      home: paths.home,
      clientCount: () => server?.sessions.size ?? 0,
      listening: () => ({ socket: server?.socketPath ?? paths.socket, port: server?.port ?? 0 }),
      // Deferred a tick so the shutdown response reaches the client before sockets close.
      requestShutdown: (reason) => setTimeout(() => void stop?.(reason), 20),
    });
    const listening = await listen(
      { paths, port: options.port, portIsDefault: options.portIsDefault ?? false, log, router, limits },
      services,
      cleanups,
    );
    server = listening.server;

    const info: DaemonInfo = {
      pid: process.pid,
      version: DAEMON_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      socket: server.socketPath,
      port: server.port,
      token: listening.token,
      startedAt: startedAt.toISOString(),
    };
    writeDaemonInfo(paths.daemonJson, info);
    // Only ours: a stopping daemon must never delete a successor's discovery file.
    cleanups.push(() => removeDaemonInfo(paths.daemonJson));

    const { stopped, stopOnce } = stopper(log, cleanups);
    stop = stopOnce;
    services.scheduler.start();
    log.info(`listening`, { socket: info.socket, port: info.port, home: paths.home, version: DAEMON_VERSION });
    return { kind: 'started', daemon: { info, log, stopped, stop: stopOnce } };
  } catch (error) {
    await cleanups.run();
    throw error;
  }
}

/** A stop that runs the cleanups once however often it is asked for, and a promise of its end. */
function stopper(
  log: Logger,
  cleanups: Cleanups,
): { stopped: Promise<void>; stopOnce: (reason: string) => Promise<void> } {
  let stopping: Promise<void> | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const stopOnce = (reason: string) => {
    stopping ??= (async () => {
      log.info(`stopping: ${reason}`);
      await cleanups.run();
      log.info('stopped');
      resolveStopped();
    })();
    return stopping;
  };
  return { stopped, stopOnce };
}
