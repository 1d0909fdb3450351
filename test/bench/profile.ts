/**
 * `npm run bench -- --profile`: runs a fresh daemon under `--cpu-prof` and drives it at c=32 (HTTP
 * /v1/chat/completions, or at `--profile-concurrency N`; then a second daemon for JSON-RPC chat/stream), then aggregates the
 * .cpuprofile by self time per function and per source file/package, mapped back to the TypeScript
 * sources through the daemon snapshot's source map. Only samples inside the measured window count (V8's profile
 * clock and this process's hrtime are both CLOCK_MONOTONIC), so start-up and warm-up are left out.
 *
 * Also usable alone: `node --import tsx test/bench/profile.ts <file.cpuprofile> [requests]`.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { makeAgent, requestBody, runRound, streamHttp, streamRpc, type HttpTarget } from './loadgen';
import { DAEMON_JS, REPO, startRelay } from './procs';
import {
  ARTIFACTS,
  CHUNKS,
  daemonTarget,
  daemonWithConnection,
  EXPECT_TEXT,
  KEY,
  MODEL,
  relayTarget,
  rpcClients,
} from './setup';
import { writeJson } from './report';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Row {
  name: string;
  selfMs: number;
  pct: number;
  usPerRequest: number;
}
export interface Summary {
  windowMs: number;
  busyMs: number;
  requests: number;
  busyUsPerRequest: number;
  layers: Row[];
  functions: Row[];
  files: Row[];
  packagesInclusive: Row[];
  productInclusive: Row[];
}

const monoUs = () => Number(process.hrtime.bigint() / 1000n);

/** Where a frame's code lives: a repo-relative source, `npm:<package>`, `node:<area>`, or a V8 pseudo-frame. */
class Locator {
  private map: SourceMap | undefined;
  constructor() {
    const file = `${DAEMON_JS}.map`;
    if (existsSync(file)) this.map = new SourceMap(JSON.parse(readFileSync(file, 'utf8')));
  }
  locate(cf: CallFrame): { file: string; line: number } {
    if (!cf.url) return { file: cf.functionName.startsWith('(') ? cf.functionName : '(native)', line: 0 };
    if (cf.url.endsWith('/daemon.js') && this.map) {
      const e = this.map.findEntry(cf.lineNumber, cf.columnNumber) as {
        originalSource?: string;
        originalLine?: number;
      };
      if (e?.originalSource) return { file: shorten(e.originalSource), line: (e.originalLine ?? 0) + 1 };
    }
    return { file: shorten(cf.url), line: cf.lineNumber + 1 };
  }
}

function shorten(src: string): string {
  const path = src.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    const pkg = rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
    return `npm:${pkg}/${rest.slice(rest[0]!.startsWith('@') ? 2 : 1).join('/')}`;
  }
  if (path.startsWith('node:')) return path;
  const at = path.indexOf(REPO);
  if (at >= 0) return path.slice(at + REPO.length + 1);
  return path.replace(/^(\.\.\/)+/, '');
}

/** The package (or product area) a file belongs to, for the inclusive breakdown. */
function area(file: string): string {
  if (file.startsWith('npm:'))
    return file
      .split('/')
      .slice(0, file.startsWith('npm:@') ? 2 : 1)
      .join('/');
  if (file.startsWith('node:')) return file.split('/').slice(0, 2).join('/');
  if (file.startsWith('(')) return file;
  return file.split('/').slice(0, 2).join('/');
}

/** The layer a file belongs to, for the exclusive breakdown (every sample counted once). */
function layer(file: string): string {
  if (file === '(garbage collector)') return 'GC';
  if (file.startsWith('npm:openai') || file.startsWith('npm:@anthropic-ai')) return 'provider SDK (openai / anthropic)';
  if (
    /^node:internal\/(deps\/undici|webstreams|worker\/js_transferable|abort_controller|event_target)|^wasm:/.test(file)
  )
    return 'undici fetch + web streams';
  if (/^node:internal\/crypto/.test(file)) return 'node crypto (hash, random)';
  if (/^node:(_http_|net$|internal\/stream_base_commons|internal\/streams|internal\/http)/.test(file))
    return 'node http / net / streams';
  if (/^node:internal\/(process|async_hooks|timers)|^node:timers/.test(file)) return 'node ticks, promises, timers';
  if (file.startsWith('npm:')) return file.split('/')[0]!;
  if (/^(daemon|shared)\//.test(file)) return file.split('/').slice(0, 2).join('/');
  if (file.startsWith('node:')) return 'node (other)';
  return file;
}

/** `BENCH_PROFILE_MORE=4` lists four times as many rows of each table (for digging into one path). */
const MORE = Math.max(1, Number(process.env['BENCH_PROFILE_MORE'] ?? 1) || 1);

/** Aggregates one profile's samples in [fromUs, toUs] (monotonic µs; omit for all). */
export function aggregate(
  profile: CpuProfile,
  requests: number,
  fromUs = -Infinity,
  toUs = Infinity,
  top = 25,
): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const loc = new Locator();
  const where = new Map<number, { file: string; line: number }>();
  const locOf = (id: number) => {
    let w = where.get(id);
    if (!w) where.set(id, (w = loc.locate(byId.get(id)!.callFrame)));
    return w;
  };
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const product = new Map<string, number>();
  const layers = new Map<string, number>();
  /** A native frame (no url) belongs to the nearest JS caller's layer. */
  const layerOf = (id: number): string => {
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const cf = byId.get(n)!.callFrame;
      if (cf.url || cf.functionName.startsWith('(')) return layer(locOf(n).file);
    }
    return '(native)';
  };
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let t = profile.startTime;
  let busy = 0;
  let windowUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    if (t < fromUs || t > toUs) continue;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    windowUs += profile.timeDeltas[i + 1] ?? 0;
    const id = profile.samples[i]!;
    const cf = byId.get(id)!.callFrame;
    if (cf.functionName === '(idle)') continue;
    busy += dt;
    const w = locOf(id);
    add(fn, `${cf.functionName || '(anonymous)'}  ${w.file}:${w.line}`, dt);
    add(files, w.file, dt);
    add(layers, layerOf(id), dt);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const l = locOf(n);
      const a = area(l.file);
      if (/^(daemon|shared)\//.test(l.file)) {
        const key = `${byId.get(n)!.callFrame.functionName || '(anonymous)'}  ${l.file}`;
        if (!seen.has(key)) {
          seen.add(key);
          add(product, key, dt);
        }
      }
      if (a === '(root)' || seen.has(a)) continue;
      seen.add(a);
      add(inclusive, a, dt);
    }
  }
  const rows = (m: Map<string, number>, limit: number): Row[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, ms]) => ({ name, selfMs: ms, pct: (100 * ms) / (busy || 1), usPerRequest: (1000 * ms) / requests }));
  return {
    windowMs: windowUs / 1000,
    busyMs: busy,
    requests,
    busyUsPerRequest: (1000 * busy) / requests,
    layers: rows(layers, 20 * MORE),
    functions: rows(fn, top * MORE),
    files: rows(files, 20 * MORE),
    packagesInclusive: rows(inclusive, 20 * MORE),
    productInclusive: rows(product, 30 * MORE),
  };
}

export function renderSummary(title: string, s: Summary): string {
  const line = (r: Row) =>
    `  ${r.selfMs.toFixed(0).padStart(7)} ms ${r.pct.toFixed(1).padStart(5)}% ${r.usPerRequest.toFixed(1).padStart(7)} µs/req  ${r.name}`;
  return [
    `${title}: ${s.requests} requests, ${s.busyMs.toFixed(0)} ms busy in a ${s.windowMs.toFixed(0)} ms window = ${s.busyUsPerRequest.toFixed(0)} µs of sampled daemon CPU per request (profiler overhead included)`,
    ' Self time by layer (each sample once; native code counted with its JS caller):',
    ...s.layers.map(line),
    ' Top self time by function:',
    ...s.functions.map(line),
    ' Self time by source file / package:',
    ...s.files.map(line),
    ' Inclusive time by package / product area (on the stack):',
    ...s.packagesInclusive.map(line),
    ' Inclusive time of product functions (daemon/, shared/):',
    ...s.productInclusive.map(line),
  ].join('\n');
}

/**
 * The bare relay under the same load and profiler, for a like-for-like look at what Node's own
 * http, net and streams cost a process that does nothing else (`--profile-relay`).
 */
async function profileRelay(mockBaseUrl: string, scale: number, c: number): Promise<Summary> {
  const dir = join(ARTIFACTS, 'profile-relay');
  rmSync(dir, { recursive: true, force: true });
  const n = Math.max(c, Math.round((c < 32 ? 1000 : 3200) * scale));
  const relay = await startRelay(new URL(mockBaseUrl).origin, PROFILER(dir));
  const target = relayTarget(relay.info.port, c);
  const body = requestBody(MODEL);
  const issue = () => streamHttp(target, body, CHUNKS, EXPECT_TEXT);
  await runRound(Math.max(2 * c, n / 4), c, issue);
  const from = monoUs();
  await runRound(n, c, issue);
  const to = monoUs();
  target.agent.destroy();
  await relay.child.stop(15_000);
  return report(dir, n, from, to, `Bare relay profile, POST /v1/chat/completions at c=${c}`);
}

const PROFILER = (dir: string) => ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=250'];

function report(dir: string, n: number, from: number, to: number, title: string): Summary {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
  const summary = aggregate(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, n, from, to);
  console.log(`\n${renderSummary(title, summary)}\n  (profile: ${join(dir, file)})`);
  return summary;
}

async function profileOne(
  kind: 'http' | 'rpc',
  mockBaseUrl: string,
  scale: number,
  c: number,
  bundle: string | undefined,
): Promise<Summary> {
  const dir = join(ARTIFACTS, `profile-${kind}`);
  rmSync(dir, { recursive: true, force: true });
  // As many requests as c=32's 3200, but no more than c=1 gets through in a few seconds.
  const n = Math.max(c, Math.round((c < 32 ? 1000 : 3200) * scale));
  const d = await daemonWithConnection(mockBaseUrl, PROFILER(dir), bundle);
  const target = daemonTarget(d.info, c);
  const body = requestBody(MODEL);
  const clients = kind === 'rpc' ? await rpcClients(d.home, c) : [];
  const issue =
    kind === 'http'
      ? () => streamHttp(target, body, CHUNKS, EXPECT_TEXT)
      : (w: number) => streamRpc(clients[w]!, CHUNKS, EXPECT_TEXT);
  await runRound(Math.max(2 * c, n / 4), c, issue); // warm-up, outside the window
  const from = monoUs();
  await runRound(n, c, issue);
  await new Promise((r) => setTimeout(r, 600)); // the deferred usage write
  const to = monoUs();
  target.agent.destroy();
  await Promise.all([...clients, d.admin].map((cl) => cl.close()));
  await d.child.stop(15_000); // SIGTERM: the daemon exits cleanly and V8 writes the profile
  return report(
    dir,
    n,
    from,
    to,
    `Daemon profile, ${kind === 'http' ? 'POST /v1/chat/completions' : 'JSON-RPC chat/stream'} at c=${c}`,
  );
}

export async function runProfiles(
  mockBaseUrl: string,
  scale: number,
  concurrency = 32,
  withRelay = false,
  bundle?: string,
): Promise<void> {
  const relay = withRelay ? await profileRelay(mockBaseUrl, scale, concurrency) : undefined;
  const http = await profileOne('http', mockBaseUrl, scale, concurrency, bundle);
  const rpc = await profileOne('rpc', mockBaseUrl, scale, concurrency, bundle);
  writeJson(join(ARTIFACTS, 'profile-summary.json'), { http, rpc, ...(relay && { relay }) });
}

if (require.main === module) {
  const [file, requests] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node --import tsx test/bench/profile.ts <file.cpuprofile> [requests]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(renderSummary(file, aggregate(profile, Number(requests ?? 1))));
}
