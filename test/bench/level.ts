/**
 * One concurrency level: a discarded warm-up, then interleaved rounds (direct, bare relay, daemon
 * paths, direct, …) so drift hits every path alike. CPU time of every process (this load generator,
 * the mock, the bare relay, the daemon) is read around every measured round, so CPU per request is
 * known per path and per process; the daemon's rounds end with a settle pause so its deferred usage
 * write is counted too.
 */
import { makeAgent, runRound, streamHttp, streamRpc, type HttpTarget, type RoundResult } from './loadgen';
import type { SwitchboardClient } from '../../shared/client';
import { cpuMs, tickMs } from './procs';
import type { LevelResult, PathResult } from './report';
import { CHUNKS, EXPECT_TEXT, rpcClients } from './setup';
import { cpuStats, targetStats } from './stats';

export interface LevelPlan {
  concurrency: number;
  rounds: number;
  perRound: number;
}

/** Processes whose CPU is read around each round. */
export interface Procs {
  mock: number;
  relay: number;
  daemon: number;
  /** The daemon's home, for JSON-RPC clients. */
  home: string;
}

export type CpuOf = Record<'loadgen' | 'mock' | 'relay' | 'daemon', number>;

/** One way of streaming the same 50-chunk answer, measured side by side with the others. */
export interface BenchPath {
  name: string;
  /** What the row means, for the tables. */
  label: string;
  /** The process that relays this path (its CPU per request is the path's cost); none for direct. */
  relayProc?: 'relay' | 'daemon';
  /** An HTTP stream (target without its agent, and the body to send), or JSON-RPC `chat/stream`. */
  http?: { target: Omit<HttpTarget, 'agent'>; body: string };
  /** The direct path of the same upstream format (added latency is against it). */
  direct?: string;
  /** The bare relay path over the same upstream format (the floor this path is held to). */
  floor?: string;
}

/** The fewest warm-up requests per path at any level (scaled by --quick; `--warm-up N` sets it). */
export const WARM_UP_MIN_REQUESTS = 600;

/** The usage ledger's deferred write runs ≤ 500 ms after a request; wait for it before reading CPU. */
const SETTLE_MS = 600;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function snapshot(p: Procs): CpuOf {
  const self = process.cpuUsage();
  return {
    loadgen: (self.user + self.system) / 1000,
    mock: cpuMs(p.mock),
    relay: cpuMs(p.relay),
    daemon: cpuMs(p.daemon),
  };
}

/** Runs `count` requests of one path with `c` workers. */
type Runner = (count: number) => Promise<RoundResult>;

function runnerFor(path: BenchPath, c: number, clients: SwitchboardClient[]): { run: Runner; close(): void } {
  if (!path.http)
    return { run: (n) => runRound(n, c, (w) => streamRpc(clients[w]!, CHUNKS, EXPECT_TEXT)), close: () => undefined };
  const target: HttpTarget = { ...path.http.target, agent: makeAgent(c) };
  const body = path.http.body;
  return {
    run: (n) => runRound(n, c, () => streamHttp(target, body, CHUNKS, EXPECT_TEXT)),
    close: () => target.agent.destroy(),
  };
}

/** One request on each path; the paths that fail are returned with why (e.g. a daemon without that surface yet). */
export async function probe(paths: readonly BenchPath[], home: string): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  const clients = paths.some((p) => !p.http) ? await rpcClients(home, 1) : [];
  for (const path of paths) {
    const r = runnerFor(path, 1, clients);
    try {
      await r.run(1);
    } catch (error) {
      failed.set(path.name, error instanceof Error ? error.message : String(error));
    } finally {
      r.close();
    }
  }
  await Promise.all(clients.map((cl) => cl.close()));
  return failed;
}

export async function measureLevel(
  plan: LevelPlan,
  paths: readonly BenchPath[],
  p: Procs,
  scale: number,
  log: (line: string) => void,
  warmUpMin = WARM_UP_MIN_REQUESTS,
): Promise<LevelResult> {
  const c = plan.concurrency;
  const perRound = Math.max(c, Math.round(plan.perRound * scale));
  const clients = paths.some((path) => !path.http) ? await rpcClients(p.home, c) : [];
  const runners = new Map(paths.map((path) => [path.name, runnerFor(path, c, clients)]));
  const rounds = new Map<string, RoundResult[]>(paths.map((path) => [path.name, []]));
  const cpu = new Map<string, CpuOf>(paths.map((path) => [path.name, { loadgen: 0, mock: 0, relay: 0, daemon: 0 }]));
  /** The relaying process's CPU ms per request, round by round. */
  const relayRounds = new Map<string, number[]>(paths.map((path) => [path.name, []]));

  // Warm-up: opens the keep-alive sockets and JITs every side; discarded. V8 optimizes a function
  // only after many calls, so the warm-up has a floor in requests, not only a share of a round.
  const warm = Math.max(2 * c, Math.round(perRound / 4), Math.round(warmUpMin * scale));
  for (const path of paths) await runners.get(path.name)!.run(warm);
  await sleep(SETTLE_MS);

  const t0 = Date.now();
  for (let r = 0; r < plan.rounds; r++) {
    for (const path of paths) {
      const before = snapshot(p);
      const round = await runners.get(path.name)!.run(perRound);
      rounds.get(path.name)!.push(round);
      if (path.relayProc === 'daemon') await sleep(SETTLE_MS);
      const after = snapshot(p);
      const sum = cpu.get(path.name)!;
      for (const k of ['loadgen', 'mock', 'relay', 'daemon'] as const) sum[k] += after[k] - before[k];
      if (path.relayProc)
        relayRounds.get(path.name)!.push((after[path.relayProc] - before[path.relayProc]) / round.samples.length);
    }
    log(`  c=${c} round ${r + 1}/${plan.rounds} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  for (const r of runners.values()) r.close();
  await Promise.all(clients.map((cl) => cl.close()));

  const tick = tickMs();
  const results: Record<string, PathResult> = {};
  for (const path of paths) {
    const stats = targetStats(rounds.get(path.name)!);
    const sum = cpu.get(path.name)!;
    const n = stats.requests;
    results[path.name] = {
      stats,
      cpuPerRequest: { loadgen: sum.loadgen / n, mock: sum.mock / n, relay: sum.relay / n, daemon: sum.daemon / n },
      ...(path.relayProc && { relayCpu: cpuStats(sum[path.relayProc], n, relayRounds.get(path.name)!, tick) }),
    };
  }
  return { concurrency: c, paths: results };
}
