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
 *
 * `--max-semi-space-size=32` (MB; V8's default is 16): each scavenge copies what is alive in the
 * young generation, and under many concurrent answers that is mostly the answers in flight, the
 * same amount at every scavenge: a young generation twice as large halves the scavenges and so
 * that copying. Measured the same way at concurrency 256 (the daemon's CPU per forwarded request,
 * both sides single-threaded): 0.41 → 0.35 ms and 0.62 → 0.50 ms in two runs; at 32 and below no
 * change. The cost is memory once a heavy load has grown the young generation: 185 MB resident
 * after 10,000 answers at 32 and 256 at once, against 146 MB (98 MB at start either way).
 *
 * Both must be given at start: set later (`v8.setFlagsFromString`), the first crashed the daemon at
 * its first collection under load.
 */
export const DAEMON_NODE_ARGS: readonly string[] = ['--single-threaded-gc', '--max-semi-space-size=32'];

/** The arguments that start the daemon bundle `script` with node (or Electron run as node). */
export function daemonArgv(script: string): string[] {
  return [...DAEMON_NODE_ARGS, script];
}
