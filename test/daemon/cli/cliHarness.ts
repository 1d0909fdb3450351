/**
 * Runs the built CLI (`node dist/cli.js`) as a child process, the way a person or a script does,
 * and keeps track of the daemons it starts so each suite can stop them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
const DAEMON = path.join(ROOT, 'dist', 'daemon.js');

/** Variables a developer's shell may hold that would change what import-env finds or where the CLI looks. */
const SCRUBBED = /^(SWITCHBOARD_|LLM_|OLLAMA_HOST$|AZURE_OPENAI_|NO_COLOR$|FORCE_COLOR$)|_API_KEY$/;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when cli.js or daemon.js is missing or older than the sources (under a lock: suites run in parallel). */
export function ensureBuilt(): void {
  const stale = () => {
    if (!existsSync(CLI) || !existsSync(DAEMON)) return true;
    const built = Math.min(statSync(CLI).mtimeMs, statSync(DAEMON).mtimeMs);
    return Math.max(newestMtime(path.join(ROOT, 'daemon')), newestMtime(path.join(ROOT, 'shared'))) > built;
  };
  if (!stale()) return;
  const lock = path.join(tmpdir(), `switchboard-cli-test-build-${Buffer.from(ROOT).toString('hex').slice(-16)}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      execFileSync('sleep', ['0.2']);
    }
  }
  try {
    if (stale()) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  } finally {
    rmdirSync(lock);
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON. */
  json<T = any>(): T;
}

export interface RunOptions {
  /** Written to stdin, which is then closed (stdin is always closed, so nothing waits on it). */
  input?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  /** Called with the child once spawned (to send it signals). */
  onSpawn?: (child: ChildProcess) => void;
}

export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!SCRUBBED.test(k)) env[k] = v;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs `node dist/cli.js --home <home> …args`. */
export function runCli(home: string, args: string[], opts: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--home', home, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: cleanEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`switchboard ${args.join(' ')} timed out.\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        json: () => {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(
              `stdout of switchboard ${args.join(' ')} is not JSON (exit ${code}):\n${stdout}\nstderr: ${stderr}`,
            );
          }
        },
      });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    opts.onSpawn?.(child);
  });
}

/** The pid in a home's daemon.json, if any. */
export function daemonPid(home: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(home, 'daemon.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}

/** Stops a home's daemon with `daemon stop`, killing its pid if that fails, then removes the home. */
export async function stopAndRemove(home: string): Promise<void> {
  const pid = daemonPid(home);
  try {
    await runCli(home, ['daemon', 'stop'], { timeoutMs: 15_000 });
  } catch {
    // fall through to the pid
  }
  if (pid !== undefined) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  }
  rmSync(home, { recursive: true, force: true });
}
