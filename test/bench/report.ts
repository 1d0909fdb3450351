/** The bench's output: the tables on stdout, the target checks, and results.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BenchPath, CpuOf } from './level';
import { pairedRatios, type CpuStats, type TargetStats } from './stats';

/** Everything measured for one path at one concurrency. */
export interface PathResult {
  stats: TargetStats;
  /** CPU ms per request of each process while this path ran. */
  cpuPerRequest: CpuOf;
  /** CPU of the process that relays this path (the daemon or the bare relay), with its resolution. */
  relayCpu?: CpuStats;
}

export interface LevelResult {
  concurrency: number;
  paths: Record<string, PathResult>;
}

export interface Check {
  target: string;
  issue: string;
  measured: string;
  pass: boolean;
  secondary?: boolean;
}

/** Targets: #3 and #6 (the daemon's own cost), #12 (forwarding against a bare relay). */
export const TARGETS = {
  addedTtftMs: 1,
  throughputRatio: 0.6,
  cpuMsPerRequest: 0.3,
  cpuVsRelay: 1.3,
  ttftOverRelayMs: 0.3,
} as const;

const f = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const signed = (v: number, digits = 2) => (v >= 0 ? '+' : '') + f(v, digits);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** p50 TTFT of `path` minus its direct path's, at one level. */
export function addedTtft(level: LevelResult, path: BenchPath): number {
  const own = level.paths[path.name];
  const direct = path.direct ? level.paths[path.direct] : undefined;
  return own && direct ? own.stats.ttft.p50 - direct.stats.ttft.p50 : NaN;
}

/** The relaying process's CPU per request on `path` ÷ the bare relay's on its floor path. */
export function cpuVsFloor(level: LevelResult, path: BenchPath): number {
  const own = level.paths[path.name]?.relayCpu;
  const floor = path.floor ? level.paths[path.floor]?.relayCpu : undefined;
  return own && floor ? own.msPerRequest / floor.msPerRequest : NaN;
}

/**
 * The target figure ({@link cpuVsFloor}, over all rounds), with the same ratio round by round
 * beside it: how far one run's figure can stray on a machine whose load varies.
 */
function cpuVsFloorText(level: LevelResult, path: BenchPath): string {
  const own = level.paths[path.name]?.relayCpu;
  const floor = path.floor ? level.paths[path.floor]?.relayCpu : undefined;
  const overall = `${f(cpuVsFloor(level, path))}×`;
  if (!own || !floor || own.perRound.length < 2) return overall;
  const r = pairedRatios(own.perRound, floor.perRound);
  return `${overall} (round by round: median ${f(r.median)}×, ${f(r.min)}–${f(r.max)}×)`;
}

export function renderTables(levels: readonly LevelResult[], paths: readonly BenchPath[]): string {
  const out: string[] = [
    'Every path streams the same 50-chunk answer (times in ms; "added" = p50 − the direct p50 of the same upstream format)',
  ];
  for (const l of levels) {
    const rows = paths
      .filter((p) => l.paths[p.name])
      .map((p) => {
        const r = l.paths[p.name]!;
        return [
          p.label,
          String(r.stats.requests),
          `${f(r.stats.ttft.p50)} / ${f(r.stats.ttft.p95)}`,
          p.direct ? signed(addedTtft(l, p)) : '',
          f(r.stats.total.p50),
          f(r.stats.streamsPerSec, 0),
          r.relayCpu ? `${f(r.relayCpu.msPerRequest, 3)} ±${f(r.relayCpu.resolutionMsPerRequest, 3)}` : '',
          p.floor ? `${f(cpuVsFloor(l, p))}×` : '',
        ];
      });
    out.push(
      '',
      `c=${l.concurrency}`,
      table(
        [
          'path',
          'requests',
          'TTFT p50/p95',
          'added p50 TTFT',
          'total p50',
          'str/s',
          'relaying CPU ms/req',
          'CPU ÷ bare relay',
        ],
        rows,
      ),
    );
  }
  return out.join('\n');
}

/** Issue 12's figures, one row per path relayed by the daemon. */
export function renderVsRelay(levels: readonly LevelResult[], paths: readonly BenchPath[]): string {
  const at = (c: number) => levels.find((l) => l.concurrency === c);
  const c1 = at(1);
  const rows = paths
    .filter((p) => p.relayProc === 'daemon' && p.floor)
    .map((p) => {
      const floor = paths.find((q) => q.name === p.floor)!;
      const added = c1 ? addedTtft(c1, p) : NaN;
      const relayAdded = c1 ? addedTtft(c1, floor) : NaN;
      return [
        p.label,
        ...[32, 256].map((c) => (at(c)?.paths[p.name] ? `${f(cpuVsFloor(at(c)!, p))}×` : 'n/a')),
        signed(added, 3),
        signed(relayAdded, 3),
        signed(added - relayAdded, 3),
      ];
    });
  return [
    "Against the bare node:http relay (issue 12 targets: CPU ≤ 1.3×, added TTFT ≤ relay's + 0.3 ms)",
    table(
      ['daemon path', 'CPU ÷ relay c=32', 'CPU ÷ relay c=256', 'added p50 TTFT c=1', "relay's added", 'difference'],
      rows,
    ),
  ].join('\n');
}

export function renderCpu(levels: readonly LevelResult[], paths: readonly BenchPath[]): string {
  const rows: string[][] = [];
  for (const l of levels) {
    for (const p of paths) {
      const t = l.paths[p.name]?.cpuPerRequest;
      if (!t) continue;
      rows.push([
        String(l.concurrency),
        p.label,
        f(t.loadgen, 3),
        f(t.mock, 3),
        f(t.relay, 3),
        f(t.daemon, 3),
        f(t.loadgen + t.mock + t.relay + t.daemon, 3),
      ]);
    }
  }
  return [
    'CPU ms per request by process (/proc utime+stime; the cores are shared by all four)',
    table(['conc', 'path', 'load generator', 'mock', 'bare relay', 'daemon', 'sum'], rows),
  ].join('\n');
}

export function checks(levels: readonly LevelResult[], paths: readonly BenchPath[]): Check[] {
  const out: Check[] = [];
  const byName = (n: string) => paths.find((p) => p.name === n);
  const main = byName('daemon');
  const c1 = levels.find((l) => l.concurrency === 1);
  const c32 = levels.find((l) => l.concurrency === 32);
  if (main) {
    // Issue 12: the OpenAI-format forwarding path against the bare relay, same run.
    for (const l of levels.filter((x) => x.concurrency === 32 || x.concurrency === 256)) {
      const ratio = cpuVsFloor(l, main);
      out.push({
        target: `forwarding CPU per streamed request ≤ ${TARGETS.cpuVsRelay}× the bare relay's at c=${l.concurrency} (HTTP /v1/chat/completions)`,
        issue: '#12',
        measured: cpuVsFloorText(l, main),
        pass: ratio <= TARGETS.cpuVsRelay,
      });
    }
    if (c1) {
      const floor = byName(main.floor!)!;
      const added = addedTtft(c1, main);
      const relay = addedTtft(c1, floor);
      out.push({
        target: `added p50 TTFT at c=1 ≤ the bare relay's + ${TARGETS.ttftOverRelayMs} ms (HTTP /v1/chat/completions)`,
        issue: '#12',
        measured: `${signed(added, 3)} ms vs relay ${signed(relay, 3)} ms`,
        pass: added <= relay + TARGETS.ttftOverRelayMs,
      });
      out.push({
        target: `added p50 TTFT at c=1 < ${TARGETS.addedTtftMs} ms (HTTP /v1/chat/completions)`,
        issue: '#3, #6',
        measured: `${signed(added, 3)} ms`,
        pass: added < TARGETS.addedTtftMs,
      });
    }
    if (c32?.paths.daemon && c32.paths.direct) {
      const ratio = c32.paths.daemon.stats.streamsPerSec / c32.paths.direct.stats.streamsPerSec;
      out.push({
        target: `throughput at c=32 >= ${TARGETS.throughputRatio * 100}% of direct`,
        issue: '#6',
        measured: `${f(ratio * 100, 1)}%`,
        pass: ratio >= TARGETS.throughputRatio,
      });
    }
    for (const l of levels) {
      const cpu = l.paths.daemon?.relayCpu;
      if (cpu)
        out.push({
          target: `daemon CPU per streamed request < ${TARGETS.cpuMsPerRequest} ms at c=${l.concurrency} (HTTP)`,
          issue: '#3, #6',
          measured: `${f(cpu.msPerRequest, 3)} ms (±${f(cpu.resolutionMsPerRequest, 3)})`,
          pass: cpu.msPerRequest < TARGETS.cpuMsPerRequest,
        });
    }
  }
  // The same figures for the other daemon paths, reported against the same targets (secondary).
  for (const p of paths.filter((x) => x.relayProc === 'daemon' && x.floor && x.name !== 'daemon')) {
    for (const l of levels.filter((x) => (x.concurrency === 32 || x.concurrency === 256) && x.paths[p.name])) {
      const ratio = cpuVsFloor(l, p);
      out.push({
        target: `${p.label}: CPU ≤ ${TARGETS.cpuVsRelay}× the bare relay's at c=${l.concurrency}`,
        issue: '#12',
        measured: cpuVsFloorText(l, p),
        pass: ratio <= TARGETS.cpuVsRelay,
        secondary: true,
      });
    }
    if (c1?.paths[p.name]) {
      const added = addedTtft(c1, p);
      const relay = addedTtft(c1, byName(p.floor!)!);
      out.push({
        target: `${p.label}: added p50 TTFT at c=1 ≤ the bare relay's + ${TARGETS.ttftOverRelayMs} ms`,
        issue: '#12',
        measured: `${signed(added, 3)} ms vs relay ${signed(relay, 3)} ms`,
        pass: added <= relay + TARGETS.ttftOverRelayMs,
        secondary: true,
      });
    }
  }
  return out;
}

export function renderChecks(list: readonly Check[]): string {
  const lines = ['Targets'];
  for (const c of list)
    lines.push(
      `  ${c.pass ? 'PASS' : 'MISS'}  ${c.target}${c.secondary ? ' [secondary]' : ''}  — measured ${c.measured}  (issue ${c.issue})`,
    );
  const primary = list.filter((c) => !c.secondary);
  lines.push(`  ${primary.filter((c) => c.pass).length}/${primary.length} primary targets met.`);
  return lines.join('\n');
}

export function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}
