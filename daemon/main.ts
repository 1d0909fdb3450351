/**
 * `node dist/daemon.js`: runs the daemon in the foreground on `$SWITCHBOARD_HOME` (default: the
 * platform's config dir) and prints where it listens and how to connect.
 */
import { resolveHome } from './home/paths';
import { type RunningDaemon, startDaemon } from './daemon';
import { guardProcess } from './processGuard';

async function main(): Promise<number> {
  const env = process.env;
  const home = resolveHome(env);
  // First, before any request: keep Node's debug output and diagnostic reports from leaking keys.
  const guard = guardProcess(home, env);
  if (guard.refusal) {
    process.stderr.write(`Switchboard daemon not started: ${guard.refusal}\n`);
    return 2;
  }
  const portIsDefault = env.SWITCHBOARD_PORT === undefined || env.SWITCHBOARD_PORT === '';
  const port = portIsDefault ? DEFAULT_PORT : parsePort(env.SWITCHBOARD_PORT!);
  // Handlers go in before daemon.json is published: a client may signal as soon as it sees the file.
  let daemon: RunningDaemon | undefined;
  let earlySignal: NodeJS.Signals | undefined;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => (daemon ? void daemon.stop(signal) : (earlySignal = signal)));
  }
  const outcome = await startDaemon({ home, port, portIsDefault, env, startupWarnings: guard.warnings });
  if (outcome.kind === 'alreadyRunning') {
    const { info } = outcome;
    process.stdout.write(
      `A Switchboard daemon is already running on ${home} (pid ${info.pid}, socket ${info.socket}, port ${info.port}). Nothing to do.\n`,
    );
    return 0;
  }
  daemon = outcome.daemon;
  const { info } = daemon;
  process.stdout.write(
    [
      `Switchboard daemon ${info.version} (protocol ${info.protocolVersion}, pid ${info.pid})`,
      `  home:        ${home}`,
      `  unix socket: ${info.socket}  (WebSocket path /rpc, no token needed)`,
      `  tcp:         ws://127.0.0.1:${info.port}/rpc  and  http://127.0.0.1:${info.port}/`,
      `  token:       in ${home}/daemon.json ("token"); send it as Authorization: Bearer <token>`,
      `               (the owner token, for the extension and the CLI; give tools a tool token: switchboard tokens create --name TOOL)`,
      `Try:  curl -s -H "Authorization: Bearer $(node -p 'require(process.argv[1]).token' '${home}/daemon.json')" http://127.0.0.1:${info.port}/v1/models`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  if (earlySignal) void daemon.stop(earlySignal);
  process.on('uncaughtException', (error) =>
    daemon.log.error('uncaught exception (the daemon keeps running)', { error }),
  );
  process.on('unhandledRejection', (error) =>
    daemon.log.error('unhandled rejection (the daemon keeps running)', { error }),
  );
  await daemon.stopped;
  return 0;
}

/** A fixed default, so tools pointed at http://127.0.0.1:17311/v1 keep working across restarts. */
const DEFAULT_PORT = 17311;

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`SWITCHBOARD_PORT must be a port number from 0 to 65535 (0 = any free port), not "${raw}".\n`);
    process.exit(2);
  }
  return port;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `Switchboard daemon failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
