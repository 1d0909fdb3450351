/** The bench's output: the tables on stdout, the target checks, and results.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CpuTriple } from './level';
import type { CpuStats, TargetStats } from './stats';

export interface LevelResult {
  concurrency: number;
  direct: TargetStats;
  daemon: TargetStats;
  rpc?: TargetStats;
  cpu: {
    http: CpuStats;
    rpc?: CpuStats;
    /** CPU ms per request of each process, by path. */
    perRequest: { direct: CpuTriple; daemon: CpuTriple; rpc?: CpuTriple };
  };
  /** daemon p50 − direct p50 (pooled over all measured rounds). */
  addedP50TtftMs: number;
  addedP50TotalMs: number;
  /** daemon − direct p50 TTFT per round pair. */
  roundAddedP50TtftMs: number[];
  /** daemon streams/s ÷ direct streams/s. */
  throughputRatio: number;
  rpcAddedP50TtftMs?: number;
  /** Daemon CPU while only the mock was being called (timers, deferred writes): should be ~0. */
  daemonIdleCpuMs: number;
}

export interface Check {
  target: string;
  issue: string;
  measured: string;
  pass: boolean;
  secondary?: boolean;
}

export const TARGETS = { addedTtftMs: 1, throughputRatio: 0.6, cpuMsPerRequest: 0.3 } as const;

const f = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const signed = (v: number, digits = 2) => (v >= 0 ? '+' : '') + f(v, digits);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function renderTables(levels: readonly LevelResult[]): string {
  const http = table(
    ['conc', 'requests', 'direct TTFT p50/p95', 'daemon TTFT p50/p95', 'added p50 TTFT', 'direct total p50', 'daemon total p50', 'added p50 total', 'direct str/s', 'daemon str/s', 'ratio', 'daemon CPU ms/req'],
    levels.map((l) => [
      String(l.concurrency),
      String(l.daemon.requests),
      `${f(l.direct.ttft.p50)} / ${f(l.direct.ttft.p95)}`,
      `${f(l.daemon.ttft.p50)} / ${f(l.daemon.ttft.p95)}`,
      signed(l.addedP50TtftMs),
      f(l.direct.total.p50),
      f(l.daemon.total.p50),
      signed(l.addedP50TotalMs),
      f(l.direct.streamsPerSec, 0),
      f(l.daemon.streamsPerSec, 0),
      `${f(l.throughputRatio * 100, 0)}%`,
      `${f(l.cpu.http.msPerRequest, 3)} ±${f(l.cpu.http.resolutionMsPerRequest, 3)}`,
    ]),
  );
  const spread = table(
    ['conc', 'added p50 TTFT per round (ms)', 'direct str/s per round', 'daemon str/s per round'],
    levels.map((l) => [
      String(l.concurrency),
      l.roundAddedP50TtftMs.map((v) => signed(v)).join(' '),
      l.direct.roundStreamsPerSec.map((v) => f(v, 0)).join(' '),
      l.daemon.roundStreamsPerSec.map((v) => f(v, 0)).join(' '),
    ]),
  );
  const rpcLevels = levels.filter((l) => l.rpc);
  const rpc = table(
    ['conc', 'requests', 'rpc TTFT p50/p95', 'added p50 TTFT vs direct', 'rpc total p50/p95', 'added p50 total', 'rpc str/s', 'ratio', 'daemon CPU ms/req'],
    rpcLevels.map((l) => [
      String(l.concurrency),
      String(l.rpc!.requests),
      `${f(l.rpc!.ttft.p50)} / ${f(l.rpc!.ttft.p95)}`,
      signed(l.rpcAddedP50TtftMs!),
      `${f(l.rpc!.total.p50)} / ${f(l.rpc!.total.p95)}`,
      signed(l.rpc!.total.p50 - l.direct.total.p50),
      f(l.rpc!.streamsPerSec, 0),
      `${f((l.rpc!.streamsPerSec / l.direct.streamsPerSec) * 100, 0)}%`,
      `${f(l.cpu.rpc!.msPerRequest, 3)} ±${f(l.cpu.rpc!.resolutionMsPerRequest, 3)}`,
    ]),
  );
  return [
    'HTTP: daemon POST /v1/chat/completions vs the mock directly (times in ms, 50-chunk streams)',
    http,
    '',
    'Spread across interleaved rounds (drift check)',
    spread,
    ...(rpcLevels.length ? ['', 'JSON-RPC chat/stream over the unix socket via shared/client (secondary; "direct" = the HTTP rounds\' direct rows)', rpc] : []),
  ].join('\n');
}

export function renderCpu(levels: readonly LevelResult[]): string {
  const rows: string[][] = [];
  for (const l of levels) {
    const pr = l.cpu.perRequest;
    const sum = (t: CpuTriple) => t.loadgen + t.mock + t.daemon;
    for (const [path, t] of [['direct', pr.direct], ['daemon HTTP', pr.daemon], ['daemon RPC', pr.rpc]] as const) {
      if (!t) continue;
      const implied = path === 'direct' ? '' : `${f((sum(pr.direct) / sum(t)) * 100, 0)}%`;
      rows.push([String(l.concurrency), path, f(t.loadgen, 3), f(t.mock, 3), f(t.daemon, 3), f(sum(t), 3), implied]);
    }
  }
  return [
    'CPU ms per request by process (/proc utime+stime; the cores are shared by all three)',
    table(['conc', 'path', 'load generator', 'mock', 'daemon', 'sum', 'CPU-bound ratio'], rows),
    '(CPU-bound ratio = direct sum ÷ this path\'s sum: the throughput ratio to expect once the cores are saturated)',
  ].join('\n');
}

export function checks(levels: readonly LevelResult[]): Check[] {
  const out: Check[] = [];
  const c1 = levels.find((l) => l.concurrency === 1);
  const c32 = levels.find((l) => l.concurrency === 32);
  if (c1) {
    out.push({ target: `added p50 TTFT at c=1 < ${TARGETS.addedTtftMs} ms (HTTP /v1/chat/completions)`, issue: '#3, #6', measured: `${signed(c1.addedP50TtftMs, 3)} ms`, pass: c1.addedP50TtftMs < TARGETS.addedTtftMs });
  }
  if (c32) {
    out.push({ target: `throughput at c=32 >= ${TARGETS.throughputRatio * 100}% of direct`, issue: '#6', measured: `${f(c32.throughputRatio * 100, 1)}% (${f(c32.daemon.streamsPerSec, 0)} vs ${f(c32.direct.streamsPerSec, 0)} streams/s)`, pass: c32.throughputRatio >= TARGETS.throughputRatio });
  }
  for (const l of levels) {
    out.push({ target: `daemon CPU per streamed request < ${TARGETS.cpuMsPerRequest} ms at c=${l.concurrency} (HTTP)`, issue: '#3, #6', measured: `${f(l.cpu.http.msPerRequest, 3)} ms (±${f(l.cpu.http.resolutionMsPerRequest, 3)})`, pass: l.cpu.http.msPerRequest < TARGETS.cpuMsPerRequest });
  }
  for (const l of levels) {
    if (!l.rpc) continue;
    if (l.concurrency === 1) {
      out.push({ target: `added p50 TTFT at c=1 < ${TARGETS.addedTtftMs} ms (JSON-RPC chat/stream)`, issue: '#3', measured: `${signed(l.rpcAddedP50TtftMs!, 3)} ms`, pass: l.rpcAddedP50TtftMs! < TARGETS.addedTtftMs, secondary: true });
    }
    out.push({ target: `daemon CPU per streamed request < ${TARGETS.cpuMsPerRequest} ms at c=${l.concurrency} (JSON-RPC)`, issue: '#3', measured: `${f(l.cpu.rpc!.msPerRequest, 3)} ms`, pass: l.cpu.rpc!.msPerRequest < TARGETS.cpuMsPerRequest, secondary: true });
  }
  return out;
}

export function renderChecks(list: readonly Check[]): string {
  const lines = ['Targets'];
  for (const c of list) lines.push(`  ${c.pass ? 'PASS' : 'MISS'}  ${c.target}${c.secondary ? ' [secondary]' : ''}  — measured ${c.measured}  (issue ${c.issue})`);
  const primary = list.filter((c) => !c.secondary);
  lines.push(`  ${primary.filter((c) => c.pass).length}/${primary.length} primary targets met.`);
  return lines.join('\n');
}

export function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}
