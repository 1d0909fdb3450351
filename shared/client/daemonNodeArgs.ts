/**
 * The Node options the daemon runs with. Whoever starts one passes them before the script: the
 * extension's launcher, the CLI (`switchboard daemon start`, auto-start), `npm start`, the tests'
 * and the bench's daemons — so what is measured is what users run.
 *
 * `--single-threaded-gc`: V8 collects the daemon's garbage on its own thread instead of handing
 * scavenges and marking to helper threads. The daemon is a background process on a developer's
 * machine, with a heap of tens of MB: parallel collection buys it pauses of a few ms less, and
 * costs CPU the editor and the tools could use — the helpers' hand-offs, and their spinning when
 * every core is busy. Measured under the bench's load on two cores (`test/bench/ab.ts`, the same
 * bundle with and without the flag, rounds alternating), the daemon's CPU per streamed request fell
 * by a fifth to a third at concurrency 32 and 256, on every path, with the same time to first token;
 * the helper threads had taken 0.05–0.1 ms per request (read from /proc per thread), about 0.01 with it.
 * It must be given at start: set later (`v8.setFlagsFromString`), it crashed the daemon at its
 * first collection under load.
 */
export const DAEMON_NODE_ARGS: readonly string[] = ['--single-threaded-gc'];

/** The arguments that start the daemon bundle `script` with node (or Electron run as node). */
export function daemonArgv(script: string): string[] {
  return [...DAEMON_NODE_ARGS, script];
}
