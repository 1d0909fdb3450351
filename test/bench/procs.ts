/**
 * The processes a bench run owns: the mock upstream (test/mocks/serve.ts) and the daemon
 * (dist/daemon.js), each in its own process so neither shares an event loop with the load
 * generator. Every child started here is remembered and killed by pid in `stopAll()` (also on
 * error and SIGINT); temp homes are removed. Also: a process's CPU time from /proc.
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { DAEMON_NODE_ARGS } from '../../shared/client/daemonNodeArgs';

export const REPO = resolve(__dirname, '../..');
export const DIST_DAEMON_JS = join(REPO, 'dist/daemon.js');
/**
 * The daemon the bench runs: a private copy of dist/daemon.js (+ map) taken at start, because other
 * work may rebuild dist/ mid-run (a changed bundle would skew rounds and break source mapping). Kept
 * inside the repo so the bundle's requires still find node_modules.
 */
export const DAEMON_JS = join(REPO, 'test-artifacts/bench/daemon-snapshot/daemon.js');
const SERVE_TS = join(REPO, 'test/mocks/serve.ts');

export interface MockInfo {
  url: string;
  openaiBaseUrl: string;
  pid: number;
}

export interface DaemonInfoLite {
  pid: number;
  socket: string;
  port: number;
  token: string;
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** Last output lines (stderr/stdout), for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const children = new Set<Child>();
const homes = new Set<string>();

function track(proc: ChildProcess, label: string): Child {
  if (proc.pid === undefined) throw new Error(`${label}: spawn failed`);
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-8000);
  };
  proc.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => proc.once('exit', () => done()));
  const child: Child = {
    proc,
    pid: proc.pid,
    output: () => out,
    async stop(graceMs = 5000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
        }, graceMs);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
    },
  };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

/** Starts `test/mocks/serve.ts` in its own process and waits for its JSON line. */
export async function startMock(args: { chunks: number; validKey: string }): Promise<{ child: Child; info: MockInfo }> {
  const argv = [
    '--import',
    'tsx',
    SERVE_TS,
    '--chunks',
    String(args.chunks),
    '--chunk-delay-ms',
    '0',
    '--valid-key',
    args.validKey,
    '--exit-with-stdin',
  ];
  return startJsonLineChild<MockInfo>('mock', argv);
}

/** Starts the bare node:http pass-through relay (bareRelay.ts) in front of `upstreamUrl`. */
export async function startRelay(
  upstreamUrl: string,
  nodeArgs: string[] = [],
): Promise<{ child: Child; info: { port: number } }> {
  return startJsonLineChild<{ port: number }>('bare relay', [
    ...nodeArgs,
    '--import',
    'tsx',
    join(REPO, 'test/bench/bareRelay.ts'),
    '--upstream',
    upstreamUrl,
  ]);
}

/**
 * Spawns `node <argv>` with a piped stdin (children that exit when it closes die with us) and
 * resolves with the JSON object it prints as its first stdout line.
 */
export async function startJsonLineChild<T>(label: string, argv: string[]): Promise<{ child: Child; info: T }> {
  const proc = spawn(process.execPath, argv, { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  const child = track(proc, label);
  const lines = createInterface({ input: proc.stdout! });
  const info = await new Promise<T>((resolveInfo, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${label} printed nothing within 20 s:\n${child.output()}`)),
      20_000,
    );
    proc.once('exit', (code) => reject(new Error(`${label} exited (${code}) before it listened:\n${child.output()}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolveInfo(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${label} printed no JSON: ${line}`));
      }
    });
  });
  lines.on('line', () => undefined); // keep draining
  return { child, info };
}

/**
 * Starts the daemon on a fresh temp home with SWITCHBOARD_PORT=0 and waits until daemon.json
 * names this child, started as users' daemons are (with DAEMON_NODE_ARGS). `nodeArgs` go after those,
 * before the script (e.g. `--cpu-prof`, or `--no-single-threaded-gc` to undo one); `script` is the
 * bundle (default: the snapshot).
 */
export async function startDaemon(
  nodeArgs: string[] = [],
  script = DAEMON_JS,
): Promise<{ child: Child; home: string; info: DaemonInfoLite }> {
  if (!existsSync(script)) throw new Error(`${script} is missing: call snapshotDaemon() first.`);
  const home = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  homes.add(home);
  const env: NodeJS.ProcessEnv = { ...process.env, SWITCHBOARD_HOME: home, SWITCHBOARD_PORT: '0' };
  delete env.NODE_OPTIONS; // tsx's loader must not leak into the bundled daemon
  const proc = spawn(process.execPath, [...DAEMON_NODE_ARGS, ...nodeArgs, script], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.resume();
  const child = track(proc, 'daemon');
  const file = join(home, 'daemon.json');
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`daemon exited before writing daemon.json:\n${child.output()}`);
    if (existsSync(file)) {
      try {
        const info = JSON.parse(readFileSync(file, 'utf8')) as DaemonInfoLite;
        if (info.pid === proc.pid && info.port > 0) return { child, home, info };
      } catch {
        // written atomically, but be patient anyway
      }
    }
    if (Date.now() > deadline) throw new Error(`daemon wrote no daemon.json within 20 s:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Takes the private copy of the daemon bundle. A development build of dist/daemon.js (with its
 * linked source map) is copied; otherwise (missing, or a minified --production build without a map)
 * the daemon entry is bundled here with the development options of esbuild.mjs.
 */
export async function snapshotDaemon(): Promise<'copied' | 'built'> {
  const dir = dirname(DAEMON_JS);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const dev =
    existsSync(DIST_DAEMON_JS) &&
    existsSync(`${DIST_DAEMON_JS}.map`) &&
    readFileSync(DIST_DAEMON_JS, 'utf8').trimEnd().endsWith('//# sourceMappingURL=daemon.js.map');
  if (dev) {
    copyFileSync(DIST_DAEMON_JS, DAEMON_JS);
    copyFileSync(`${DIST_DAEMON_JS}.map`, `${DAEMON_JS}.map`);
    return 'copied';
  }
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(REPO, 'daemon/main.ts')],
    outfile: DAEMON_JS,
    bundle: true,
    sourcemap: 'linked',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    legalComments: 'none',
  });
  return 'built';
}

/** Stops every child this process started (by pid) and removes the temp homes. */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => c.stop()));
  for (const home of homes) rmSync(home, { recursive: true, force: true });
  homes.clear();
}

/** Synchronous last resort (process 'exit'): SIGKILL whatever is still running. */
export function killAllNow(): void {
  for (const c of children) {
    if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  }
  for (const home of homes) rmSync(home, { recursive: true, force: true });
}

/**
 * Runs a bench script's `main` and exits with its outcome: every child stopped on success, failure,
 * Ctrl-C, or (SIGKILL, synchronously) on any other exit. No top-level await: the package is CommonJS.
 */
export function runBenchMain(name: string, main: () => Promise<void>): void {
  process.on('exit', killAllNow);
  process.once('SIGINT', () => {
    process.stderr.write(`\n${name}: interrupted, stopping what it started\n`);
    void stopAll().finally(() => process.exit(130));
  });
  main()
    .then(() => stopAll())
    .then(
      () => process.exit(0),
      async (error: unknown) => {
        process.stderr.write(
          `${name}: FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        await stopAll().catch(() => undefined);
        process.exit(1);
      },
    );
}

let clkTck: number | undefined;

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  clkTck ??= Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clkTck;
}

/** The clock tick in ms (the resolution of `cpuMs`). */
export function tickMs(): number {
  clkTck ??= Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
  return 1000 / clkTck;
}
