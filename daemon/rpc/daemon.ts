/** `daemon/*` handlers. */
import { DaemonHello, DaemonShutdown, DaemonStatus, PROTOCOL_VERSION } from '../../shared/protocol';
import type { Router } from './router';

/** What `daemon/*` reports about the running daemon, and how it asks it to stop. */
export interface DaemonHandlerDeps {
  readonly version: string;
  readonly startedAt: Date;
  readonly home: string;
  /** How many clients are connected now. */
  clientCount(): number;
  connectionCount(): number;
  /** Chat streams running now. */
  activeStreams(): number;
  /** Where the daemon listens. */
  listening(): { socket: string; port: number };
  /** Starts a clean shutdown after the current response is sent. */
  requestShutdown(reason: string): void;
}

export function registerDaemonHandlers(router: Router, deps: DaemonHandlerDeps): void {
  router.on(DaemonHello, (params, { session }) => {
    session.clientName = params.client.version ? `${params.client.name}/${params.client.version}` : params.client.name;
    const major = (v: string) => v.split('.')[0];
    return {
      name: 'switchboard' as const,
      version: deps.version,
      protocolVersion: PROTOCOL_VERSION,
      pid: process.pid,
      compatible: params.protocolVersion === undefined || major(params.protocolVersion) === major(PROTOCOL_VERSION),
    };
  });

  router.on(DaemonStatus, () => {
    const { socket, port } = deps.listening();
    return {
      version: deps.version,
      protocolVersion: PROTOCOL_VERSION,
      pid: process.pid,
      startedAt: deps.startedAt.toISOString(),
      uptimeMs: Date.now() - deps.startedAt.getTime(),
      home: deps.home,
      socket,
      port,
      clients: deps.clientCount(),
      connections: deps.connectionCount(),
      activeStreams: deps.activeStreams(),
    };
  });

  router.on(DaemonShutdown, (_params, { session }) => {
    deps.requestShutdown(`daemon/shutdown from ${session.clientName}`);
    return { ok: true as const };
  });
}
