/**
 * How tools find the daemon (`daemon.json`) and how the daemon makes sure it is the only one on its
 * home (`daemon.lock`).
 *
 * The lock file is created exclusively (`wx`) and holds the owner's pid. A lock whose pid is dead is
 * stale; taking it over happens under a short-lived second lock (`daemon.lock.takeover`) so that two
 * daemons finding the same stale lock at the same instant cannot both remove it and both win.
 */
import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DaemonInfo } from '../../shared/protocol/discovery';
import type { HomePaths } from './paths';

export type { DaemonInfo };

/** Reads `daemon.json`; null when it is missing or not a daemon.json (half-written, edited, foreign). */
export function readDaemonInfo(file: string): DaemonInfo | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const o = parsed as Record<string, unknown>;
  const ok =
    Number.isInteger(o.pid) &&
    (o.pid as number) > 0 &&
    typeof o.version === 'string' &&
    typeof o.protocolVersion === 'string' &&
    typeof o.socket === 'string' &&
    Number.isInteger(o.port) &&
    typeof o.token === 'string' &&
    typeof o.startedAt === 'string';
  if (!ok) return null;
  const { pid, version, protocolVersion, socket, port, token, startedAt } = o as unknown as DaemonInfo;
  return { pid, version, protocolVersion, socket, port, token, startedAt };
}

/** Writes `daemon.json` atomically (temp file + rename), mode 0600: it holds the token. */
export function writeDaemonInfo(file: string, info: DaemonInfo): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

/** Removes `daemon.json` if it is still ours, so a shutdown never deletes a successor's file. */
export function removeDaemonInfo(file: string, pid: number = process.pid): void {
  const info = readDaemonInfo(file);
  if (info && info.pid !== pid) return;
  unlinkQuietly(file);
}

/** True when a process with this pid exists. EPERM means it exists but belongs to someone else. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type ClaimResult =
  /** We own the home until `release()`. */
  | { kind: 'claimed'; release(): void }
  /** Another live daemon owns it; `info` is its daemon.json. */
  | { kind: 'running'; info: DaemonInfo };

export interface ClaimOptions {
  /** How long to wait for a live owner's daemon.json to appear (it may be starting). Default 3000. */
  waitForInfoMs?: number;
}

/** A lock file emptier than this long ago is someone mid-write; older and empty means it crashed there. */
const EMPTY_LOCK_GRACE_MS = 2000;
/** The takeover lock is held for microseconds; one older than this was left by a crash. */
const STALE_TAKEOVER_MS = 5000;
const MAX_ATTEMPTS = 200;
/** A daemon listens within moments of taking the lock; until this age a lock is never judged by its socket. */
const LISTEN_GRACE_MS = 10_000;

/**
 * Makes this process the home's only daemon, or finds the one that is. Call after `ensureHome`, before
 * touching the socket or daemon.json.
 */
export async function claimHome(
  paths: Pick<HomePaths, 'lockFile' | 'daemonJson' | 'socket'>,
  options: ClaimOptions = {},
): Promise<ClaimResult> {
  const { lockFile, daemonJson } = paths;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (tryCreate(lockFile)) return { kind: 'claimed', release: () => releaseLock(lockFile) };

    const holder = readLockPid(lockFile);
    if (holder === 'missing') continue; // released between our two calls: try again
    if (holder === process.pid) return { kind: 'claimed', release: () => releaseLock(lockFile) };
    if (holder === 'empty') {
      if (ageMs(lockFile) < EMPTY_LOCK_GRACE_MS) {
        await sleep(20);
        continue;
      }
    } else if (isProcessAlive(holder) && !(await ownerLooksGone(paths))) {
      const info = await waitForInfo(daemonJson, holder, options.waitForInfoMs ?? 3000);
      if (info) return { kind: 'running', info };
      if (!isProcessAlive(holder)) continue; // it died while starting: the lock is stale now
      throw new Error(
        `Process ${holder} holds ${lockFile} but has published no daemon.json. If it is a hung Switchboard daemon, stop it; if that pid is not a daemon, delete ${lockFile}. Then start again.`,
      );
    }
    // Stale: its owner died (or never finished writing). Remove it, then race for a fresh one.
    await takeOver(lockFile, holder);
  }
  throw new Error(
    `Could not acquire ${lockFile}. If no Switchboard daemon is running, delete that file and start again.`,
  );
}

/**
 * A live lock pid can belong to an unrelated process after a crash and a pid reuse (typically after a
 * reboot), and pids alone cannot tell. A daemon listens within moments of taking the lock, so a lock
 * older than that whose socket nobody listens on is stale.
 */
async function ownerLooksGone(paths: Pick<HomePaths, 'lockFile' | 'daemonJson' | 'socket'>): Promise<boolean> {
  if (ageMs(paths.lockFile) < LISTEN_GRACE_MS) return false;
  const socket = readDaemonInfo(paths.daemonJson)?.socket ?? paths.socket;
  return !(await socketAnswers(socket));
}

/** Whether something accepts connections on the socket. A timeout counts as yes: better refuse to start than run twice. */
function socketAnswers(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    const finish = (answer: boolean) => {
      clearTimeout(timer);
      probe.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    probe.once('connect', () => finish(true));
    probe.once('error', () => finish(false));
  });
}

async function takeOver(lockFile: string, seen: number | 'empty'): Promise<void> {
  const guard = `${lockFile}.takeover`;
  if (!tryCreate(guard)) {
    if (ageMs(guard) > STALE_TAKEOVER_MS) unlinkQuietly(guard);
    await sleep(10 + Math.random() * 20);
    return;
  }
  try {
    // Re-read under the guard: a racer may already have replaced the stale lock with its live one.
    if (readLockPid(lockFile) === seen) unlinkQuietly(lockFile);
  } finally {
    unlinkQuietly(guard);
  }
}

/** Exclusive create holding our pid; false if the file exists. */
function tryCreate(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readLockPid(file: string): number | 'empty' | 'missing' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  const pid = Number(text);
  return text !== '' && Number.isInteger(pid) && pid > 0 ? pid : 'empty';
}

function releaseLock(lockFile: string): void {
  if (readLockPid(lockFile) === process.pid) unlinkQuietly(lockFile);
}

async function waitForInfo(daemonJson: string, pid: number, timeoutMs: number): Promise<DaemonInfo | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = readDaemonInfo(daemonJson);
    if (info && info.pid === pid) return info;
    if (Date.now() >= deadline || !isProcessAlive(pid)) return null;
    await sleep(25);
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
