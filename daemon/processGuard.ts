/**
 * What the daemon process does to itself before anything else, so that Node's own diagnostics
 * cannot leak the keys it holds:
 *
 * - Debug output. Node reads `NODE_DEBUG` once, at boot, before any of our code runs: removing the
 *   variable afterwards only keeps it from children. So the leaky sections (http, net, tls, undici,
 *   fetch…, see shared/client/daemonEnv.ts) are removed from the environment AND their lines are
 *   dropped from stderr (each debug message is one write starting `SECTION <pid>: `). Other
 *   sections still print. `NODE_DEBUG_NATIVE` is printed by C++ where no filter reaches: the
 *   daemon refuses to start with it.
 * - Diagnostic reports (`--report-on-signal`, `--report-uncaught-exception`,
 *   `--report-on-fatalerror`, `process.report.writeReport()`): a report holds the whole
 *   environment (`SWITCHBOARD_MASTER_KEY`, `env:` keys). Reports are written into the home (0700)
 *   and, with the process umask set to 077, as 0600 files; a report aimed at stdout/stderr is
 *   written to a file in the home instead.
 */
import { LEAKY_DEBUG_SECTIONS, stripLeakyDebug } from '../shared/client/daemonEnv';

export interface GuardOutcome {
  /** Lines for the daemon log, once it is open. */
  warnings: string[];
  /** Set when the daemon must not start; the text says why and what to do. */
  refusal?: string;
}

export function guardProcess(home: string, env: NodeJS.ProcessEnv = process.env): GuardOutcome {
  const warnings: string[] = [];
  if (env.NODE_DEBUG_NATIVE !== undefined) {
    return {
      warnings,
      refusal:
        'NODE_DEBUG_NATIVE is set: Node would print connection internals (which can include keys) where the daemon cannot filter them. Unset NODE_DEBUG_NATIVE and start the daemon again.',
    };
  }
  const removed = stripLeakyDebug(env);
  if (removed.length > 0) {
    dropDebugLines(process.stderr);
    warnings.push(
      `Removed ${removed.join(', ')} from the daemon's environment and dropped that debug output: it prints request headers, which carry API keys. Other NODE_DEBUG sections still print.`,
    );
  }
  // Every file the daemon creates is the owner's alone, diagnostic reports included.
  process.umask(0o077);
  const report = process.report;
  if (report) {
    report.directory = home;
    if (report.filename === 'stdout' || report.filename === 'stderr') report.filename = '';
    if (report.reportOnSignal || report.reportOnFatalError || report.reportOnUncaughtException) {
      warnings.push(
        `Node diagnostic reports are on; they hold the daemon's environment, so they are written to ${home} with mode 0600. Do not share them.`,
      );
    }
  }
  return { warnings };
}

/** Makes `stream.write` drop Node debug messages of the leaky sections of this process. */
function dropDebugLines(stream: NodeJS.WriteStream): void {
  const color = '(?:\\u001b\\[[0-9;]*m)?';
  const debugLine = new RegExp(
    `^(?:${LEAKY_DEBUG_SECTIONS.map((s) => s.toUpperCase()).join('|')}) ${color}${process.pid}${color}: `,
  );
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && debugLine.test(chunk)) {
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      if (callback) process.nextTick(callback);
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
