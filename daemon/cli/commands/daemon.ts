/** `switchboard daemon start|stop|status`. */
import { DaemonUnavailableError } from '../../../shared/client';
import { DaemonStatus } from '../../../shared/protocol';
import { positionals } from '../args';
import type { Group } from '../context';
import { connect, findRunning, outputLogPath, startDaemon, stopDaemon } from '../daemonControl';
import { EXIT } from '../exitCodes';
import { errorJson } from '../output';

export const daemonGroup: Group = {
  name: 'daemon',
  summary: 'Start, stop, or inspect the background daemon',
  commands: [
    {
      name: 'start',
      summary: 'Start the daemon in the background (no-op if it runs)',
      usage: 'daemon start',
      details: `The daemon runs detached; its output goes to daemon.out in the home. Exits 3 if it does not come up within 10 s.`,
      flags: [],
      async run(ctx, parsed) {
        positionals(parsed, [], this.usage);
        const { info, started } = await startDaemon(ctx.home);
        ctx.out.data({
          running: true,
          started,
          pid: info.pid,
          version: info.version,
          home: ctx.home,
          socket: info.socket,
          port: info.port,
        });
        ctx.out.line(
          started
            ? `Started the Switchboard daemon ${info.version} (pid ${info.pid}).`
            : `The Switchboard daemon is already running (pid ${info.pid}).`,
        );
        ctx.out.line(`  home:   ${ctx.home}`);
        ctx.out.line(`  socket: ${info.socket}`);
        ctx.out.line(`  tcp:    127.0.0.1:${info.port} (token in ${ctx.home}/daemon.json)`);
        if (started) ctx.out.line(`  output: ${outputLogPath(ctx.home)}`);
        return EXIT.OK;
      },
    },
    {
      name: 'stop',
      summary: 'Stop the daemon (daemon/shutdown) and wait for it to exit',
      usage: 'daemon stop',
      flags: [],
      async run(ctx, parsed) {
        positionals(parsed, [], this.usage);
        const { pid, forced } = await stopDaemon(ctx.home);
        ctx.out.data({ stopped: pid !== undefined, ...(pid !== undefined && { pid }), forced });
        if (pid === undefined) ctx.out.line(`No Switchboard daemon is running on ${ctx.home}.`);
        else
          ctx.out.line(
            `Stopped the Switchboard daemon (pid ${pid})${forced ? ' with SIGTERM, as it did not exit on request' : ''}.`,
          );
        return EXIT.OK;
      },
    },
    {
      name: 'status',
      summary: 'Show whether the daemon runs, where, and how busy it is (exit 3 if not running)',
      usage: 'daemon status',
      details: `With --json: {"running": true, pid, version, home, socket, port, uptimeMs, clients, …} when it runs,
{"running": false, home, error: {code, reason, message, hint}} (and exit 3) when it does not.`,
      flags: [],
      async run(ctx, parsed) {
        positionals(parsed, [], this.usage);
        if (!(await findRunning(ctx.home))) {
          const error = new DaemonUnavailableError(
            'not-running',
            `No Switchboard daemon is running on ${ctx.home}.`,
            'Start it with `switchboard daemon start` (other commands start it on demand).',
          );
          // One shape for --json whether it runs or not: `running` says which; exit 3 says it too.
          ctx.out.data({ running: false, home: ctx.home, error: errorJson(error) });
          ctx.out.explain(error);
          return EXIT.DAEMON_UNAVAILABLE;
        }
        const client = await connect(ctx.home);
        try {
          const s = await client.request(DaemonStatus);
          ctx.out.data({ running: true, ...s });
          const rows: Array<[string, string]> = [
            ['status', ctx.out.paint('green', 'running')],
            ['pid', String(s.pid)],
            ['version', `${s.version} (protocol ${s.protocolVersion})`],
            ['home', s.home],
            ['socket', s.socket],
            ['tcp', `127.0.0.1:${s.port}`],
            ['uptime', formatDuration(s.uptimeMs)],
            ['clients', String(s.clients)],
            ['connections', String(s.connections)],
            ['streams', String(s.activeStreams)],
          ];
          const width = Math.max(...rows.map(([k]) => k.length));
          for (const [k, v] of rows) ctx.out.line(`${k.padEnd(width)}  ${v}`);
        } finally {
          await client.close();
        }
        return EXIT.OK;
      },
    },
  ],
};

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
