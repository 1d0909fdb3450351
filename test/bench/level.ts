/**
 * One concurrency level: a discarded warm-up, then interleaved rounds (direct, daemon HTTP, daemon
 * JSON-RPC, direct, …) so drift hits every path alike. CPU time of all three processes (this load
 * generator, the mock, the daemon) is read around every measured round, so CPU per request is known
 * per path and per process; the daemon's rounds end with a settle pause so its deferred usage write
 * is counted too.
 */
import { makeAgent, requestBody, runRound, streamHttp, streamRpc, type HttpTarget, type RoundResult } from './loadgen';
import { cpuMs, tickMs, type DaemonInfoLite } from './procs';
import type { LevelResult } from './report';
import { CHUNKS, daemonTarget, EXPECT_TEXT, KEY, MODEL, rpcClients } from './setup';
import { cpuStats, pairedDiffs, targetStats } from './stats';

export interface LevelPlan {
  concurrency: number;
  rounds: number;
  perRound: number;
  rpc: boolean;
}

export interface Pids {
  mock: number;
  daemon: DaemonInfoLite;
  mockPort: number;
  home: string;
}

type Path = 'direct' | 'daemon' | 'rpc';
export interface CpuTriple {
  loadgen: number;
  mock: number;
  daemon: number;
}

/** The fewest warm-up requests per path at any level (scaled by --quick). */
const WARM_UP_MIN_REQUESTS = 600;

/** The usage ledger's deferred write runs ≤ 500 ms after a request; wait for it before reading CPU. */
const SETTLE_MS = 600;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function snapshot(p: Pids): CpuTriple {
  const self = process.cpuUsage();
  return { loadgen: (self.user + self.system) / 1000, mock: cpuMs(p.mock), daemon: cpuMs(p.daemon.pid) };
}

export async function measureLevel(plan: LevelPlan, p: Pids, scale: number, log: (line: string) => void): Promise<LevelResult> {
  const c = plan.concurrency;
  const perRound = Math.max(c, Math.round(plan.perRound * scale));
  const direct: HttpTarget = { name: 'direct', port: p.mockPort, path: '/v1/chat/completions', token: KEY, model: MODEL, agent: makeAgent(c) };
  const viaDaemon = daemonTarget(p.daemon, c);
  const directBody = requestBody(direct.model);
  const daemonBody = requestBody(viaDaemon.model);
  const clients = plan.rpc ? await rpcClients(p.home, c) : [];
  const paths: Path[] = plan.rpc ? ['direct', 'daemon', 'rpc'] : ['direct', 'daemon'];
  const run: Record<Path, (n: number) => Promise<RoundResult>> = {
    direct: (n) => runRound(n, c, () => streamHttp(direct, directBody, CHUNKS, EXPECT_TEXT)),
    daemon: (n) => runRound(n, c, () => streamHttp(viaDaemon, daemonBody, CHUNKS, EXPECT_TEXT)),
    rpc: (n) => runRound(n, c, (w) => streamRpc(clients[w]!, CHUNKS, EXPECT_TEXT)),
  };
  const rounds: Record<Path, RoundResult[]> = { direct: [], daemon: [], rpc: [] };
  const cpu: Record<Path, CpuTriple> = { direct: zero(), daemon: zero(), rpc: zero() };

  // Warm-up: opens the keep-alive sockets and JITs every side; discarded. V8 optimizes a function
  // only after many calls, so the warm-up has a floor in requests, not only a share of a round: at
  // c=1 (the first level, right after the daemon starts) a quarter round is 12 requests, and the
  // measured rounds would then time the daemon's start-up JIT rather than its steady state.
  const warm = Math.max(2 * c, Math.round(perRound / 4), Math.round(WARM_UP_MIN_REQUESTS * scale));
  for (const path of paths) await run[path](warm);
  await sleep(SETTLE_MS);

  const t0 = Date.now();
  for (let r = 0; r < plan.rounds; r++) {
    for (const path of paths) {
      const before = snapshot(p);
      rounds[path].push(await run[path](perRound));
      if (path !== 'direct') await sleep(SETTLE_MS);
      const after = snapshot(p);
      for (const k of ['loadgen', 'mock', 'daemon'] as const) cpu[path][k] += after[k] - before[k];
    }
    log(`  c=${c} round ${r + 1}/${plan.rounds} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  direct.agent.destroy();
  viaDaemon.agent.destroy();
  await Promise.all(clients.map((cl) => cl.close()));

  const tick = tickMs();
  const stats = { direct: targetStats(rounds.direct), daemon: targetStats(rounds.daemon), rpc: plan.rpc ? targetStats(rounds.rpc) : undefined };
  const perRequest = (path: Path): CpuTriple => {
    const n = rounds[path].reduce((s, x) => s + x.samples.length, 0);
    return { loadgen: cpu[path].loadgen / n, mock: cpu[path].mock / n, daemon: cpu[path].daemon / n };
  };
  return {
    concurrency: c,
    direct: stats.direct,
    daemon: stats.daemon,
    ...(stats.rpc && { rpc: stats.rpc }),
    cpu: {
      http: cpuStats(cpu.daemon.daemon, stats.daemon.requests, plan.rounds, tick),
      ...(stats.rpc && { rpc: cpuStats(cpu.rpc.daemon, stats.rpc.requests, plan.rounds, tick) }),
      perRequest: { direct: perRequest('direct'), daemon: perRequest('daemon'), ...(stats.rpc && { rpc: perRequest('rpc') }) },
    },
    addedP50TtftMs: stats.daemon.ttft.p50 - stats.direct.ttft.p50,
    addedP50TotalMs: stats.daemon.total.p50 - stats.direct.total.p50,
    roundAddedP50TtftMs: pairedDiffs(stats.daemon.roundP50Ttft, stats.direct.roundP50Ttft),
    throughputRatio: stats.daemon.streamsPerSec / stats.direct.streamsPerSec,
    ...(stats.rpc && { rpcAddedP50TtftMs: stats.rpc.ttft.p50 - stats.direct.ttft.p50 }),
    daemonIdleCpuMs: cpu.direct.daemon,
  };
}

function zero(): CpuTriple {
  return { loadgen: 0, mock: 0, daemon: 0 };
}
