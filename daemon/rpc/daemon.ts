/** `daemon/*` handlers. */
import { DaemonHello, DaemonShutdown, DaemonStatus, PROTOCOL_VERSION } from '../../shared/protocol';
import type { DaemonContext } from '../context';
import type { Router } from './router';

export function registerDaemonHandlers(router: Router, ctx: DaemonContext, extra: { activeStreams(): number }): void {
  router.on(DaemonHello, (params, { session }) => {
    session.clientName = params.client.version ? `${params.client.name}/${params.client.version}` : params.client.name;
    const major = (v: string) => v.split('.')[0];
    return {
      name: 'switchboard' as const,
      version: ctx.version,
      protocolVersion: PROTOCOL_VERSION,
      pid: process.pid,
      compatible: params.protocolVersion === undefined || major(params.protocolVersion) === major(PROTOCOL_VERSION),
    };
  });

  router.on(DaemonStatus, () => {
    const { socket, port } = ctx.listening();
    return {
      version: ctx.version,
      protocolVersion: PROTOCOL_VERSION,
      pid: process.pid,
      startedAt: ctx.startedAt.toISOString(),
      uptimeMs: Date.now() - ctx.startedAt.getTime(),
      home: ctx.paths.home,
      socket,
      port,
      clients: ctx.sessions().size,
      connections: ctx.db.data.connections.length,
      activeStreams: extra.activeStreams(),
    };
  });

  router.on(DaemonShutdown, (_params, { session }) => {
    ctx.requestShutdown(`daemon/shutdown from ${session.clientName}`);
    return { ok: true as const };
  });
}
