/**
 * A/B of two daemon builds on the same machine at the same time, for performance work: both
 * daemons run against one mock, and their rounds alternate (A, B, B, A, …) so load from other work
 * hits both alike. Reports each build's daemon CPU per request (the most load-robust figure) per
 * path, and p50 TTFT at c=1.
 *
 *   node --import tsx test/bench/ab.ts --save base     # bundle the current tree as "base"
 *   (edit the code)
 *   node --import tsx test/bench/ab.ts --save new
 *   node --import tsx test/bench/ab.ts --a base --b new [--rounds 6] [--requests 1600] [--paths http32,rpc32,http1]
 *   node --import tsx test/bench/ab.ts --a base --b new,newer --relay --paths http32   # several Bs, and the bare relay's CPU
 *   node --import tsx test/bench/ab.ts --a base --b new --relay --paths http32,rpc32,msg32,tr32   # the bench's mixed traffic
 *   node --import tsx test/bench/ab.ts --a new --b new --b-args=--max-semi-space-size=64   # node flags for one side
 *
 * Bundles live in test-artifacts/bench/ab/<name>/ (inside the repo, so their requires find node_modules).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SwitchboardClient } from '../../shared/client';
import { anthropicRequestBody, requestBody, runRound, streamHttp, streamRpc, type HttpTarget } from './loadgen';
import { cpuMs, REPO, runBenchMain, startMock, startRelay } from './procs';
import {
  addAnthropicConnection,
  ARTIFACTS,
  CHUNKS,
  CLAUDE_CONNECTION,
  CLAUDE_MODEL,
  daemonTarget,
  daemonWithConnection,
  EXPECT_TEXT,
  KEY,
  MODEL,
  relayTarget,
  rpcClients,
} from './setup';
import { dist, median } from './stats';

const SETTLE_MS = 600;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CLAUDE = `${CLAUDE_CONNECTION}/${CLAUDE_MODEL}`;
const bundleOf = (name: string) => join(ARTIFACTS, 'ab', name, 'daemon.js');

/**
 * http32/http256/http1: /v1/chat/completions forwarded to the OpenAI-format connection; rpc32: JSON-RPC
 * chat/stream to it; msg32: /v1/messages forwarded to the Anthropic one; tr32: /v1/chat/completions
 * translated to the Anthropic one (the bench's daemon paths, for mixed traffic as in `npm run bench`);
 * rpc1/tr1: those at c=1, for their time to first token.
 */
type PathName = 'http32' | 'rpc32' | 'http1' | 'msg32' | 'tr32' | 'http256' | 'rpc1' | 'tr1';
/** The c=1 paths: their p50 time to first token is reported too. */
const AT_ONE: ReadonlySet<PathName> = new Set(['http1', 'rpc1', 'tr1']);

interface Variant {
  name: string;
  d: Awaited<ReturnType<typeof daemonWithConnection>>;
  t32: HttpTarget;
  t256: HttpTarget;
  t1: HttpTarget;
  messages: HttpTarget;
  translated: HttpTarget;
  translatedOne: HttpTarget;
  clients: SwitchboardClient[];
  cpu: Map<PathName, number[]>;
  /** p50 TTFT per round, for the c=1 paths. */
  ttft: Map<PathName, number[]>;
}

async function save(name: string): Promise<void> {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(REPO, 'daemon/main.ts')],
    outfile: bundleOf(name),
    bundle: true,
    sourcemap: 'linked',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    legalComments: 'none',
  });
  console.log(`saved ${bundleOf(name)}`);
}

async function compare(
  names: string[],
  nodeArgs: string[][],
  rounds: number,
  n: number,
  paths: PathName[],
  withRelay: boolean,
): Promise<void> {
  const mock = await startMock({ chunks: CHUNKS, validKey: KEY });
  // The bare relay's CPU on the http paths, in the same rounds: each build's ratio to the floor.
  const relay = withRelay ? await startRelay(mock.info.url) : undefined;
  const relay32 = relay && relayTarget(relay.info.port, 32);
  const relay256 = relay && relayTarget(relay.info.port, 256);
  const relay1 = relay && relayTarget(relay.info.port, 1);
  const relayCpu = new Map<PathName, number[]>();
  const variants: Variant[] = [];
  for (const [i, name] of names.entries()) {
    const d = await daemonWithConnection(mock.info.openaiBaseUrl, nodeArgs[i]!, bundleOf(name));
    if (paths.includes('msg32') || paths.includes('tr32') || paths.includes('tr1'))
      await addAnthropicConnection(d.admin, mock.info.url);
    const t32 = daemonTarget(d.info, 32);
    const t256 = daemonTarget(d.info, 256);
    const t1 = daemonTarget(d.info, 1);
    const clients = paths.includes('rpc32') || paths.includes('rpc1') ? await rpcClients(d.home, 32) : [];
    variants.push({
      name: nodeArgs[i]!.length ? `${name} ${nodeArgs[i]!.join(' ')}` : name,
      d,
      t32,
      t256,
      t1,
      messages: {
        ...daemonTarget(d.info, 32),
        name: 'messages',
        path: '/v1/messages',
        model: CLAUDE,
        format: 'anthropic',
        apiKeyHeader: true,
      },
      translated: { ...daemonTarget(d.info, 32), name: 'translated', model: CLAUDE },
      translatedOne: { ...daemonTarget(d.info, 1), name: 'translated', model: CLAUDE },
      clients,
      cpu: new Map<PathName, number[]>(),
      ttft: new Map<PathName, number[]>(),
    });
  }
  const body = requestBody(MODEL);
  const messagesBody = anthropicRequestBody(CLAUDE);
  const translatedBody = requestBody(CLAUDE);
  const run = async (v: Variant, path: PathName, count: number) => {
    if (path === 'http32') return runRound(count, 32, () => streamHttp(v.t32, body, CHUNKS, EXPECT_TEXT));
    if (path === 'http256') return runRound(count, 256, () => streamHttp(v.t256, body, CHUNKS, EXPECT_TEXT));
    if (path === 'rpc32') return runRound(count, 32, (w) => streamRpc(v.clients[w]!, CHUNKS, EXPECT_TEXT));
    if (path === 'rpc1')
      return runRound(Math.max(50, count / 8), 1, () => streamRpc(v.clients[0]!, CHUNKS, EXPECT_TEXT));
    if (path === 'tr1')
      return runRound(Math.max(50, count / 8), 1, () =>
        streamHttp(v.translatedOne, translatedBody, CHUNKS, EXPECT_TEXT),
      );
    if (path === 'msg32') return runRound(count, 32, () => streamHttp(v.messages, messagesBody, CHUNKS, EXPECT_TEXT));
    if (path === 'tr32')
      return runRound(count, 32, () => streamHttp(v.translated, translatedBody, CHUNKS, EXPECT_TEXT));
    return runRound(Math.max(50, count / 8), 1, () => streamHttp(v.t1, body, CHUNKS, EXPECT_TEXT));
  };
  const runRelay = (path: PathName, count: number) =>
    path === 'http32'
      ? runRound(count, 32, () => streamHttp(relay32!, body, CHUNKS, EXPECT_TEXT))
      : path === 'http256'
        ? runRound(count, 256, () => streamHttp(relay256!, body, CHUNKS, EXPECT_TEXT))
        : runRound(Math.max(50, count / 8), 1, () => streamHttp(relay1!, body, CHUNKS, EXPECT_TEXT));
  const relayPaths = relay ? paths.filter((p) => p === 'http32' || p === 'http256' || p === 'http1') : [];
  // Warm-up, twice a round's requests: the first rounds after a shorter one still ran slower code.
  for (let w = 0; w < 2; w++) {
    for (const v of variants) for (const p of paths) await run(v, p, n);
    for (const p of relayPaths) await runRelay(p, n);
  }
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? variants : [...variants].reverse();
    for (const p of relayPaths) {
      await sleep(SETTLE_MS);
      const before = cpuMs(relay!.child.pid!);
      const res = await runRelay(p, n);
      await sleep(SETTLE_MS);
      relayCpu.set(p, [...(relayCpu.get(p) ?? []), (cpuMs(relay!.child.pid!) - before) / res.samples.length]);
    }
    for (const v of order) {
      for (const p of paths) {
        await sleep(SETTLE_MS);
        const before = cpuMs(v.d.info.pid);
        const res = await run(v, p, n);
        await sleep(SETTLE_MS);
        const per = (cpuMs(v.d.info.pid) - before) / res.samples.length;
        v.cpu.set(p, [...(v.cpu.get(p) ?? []), per]);
        if (AT_ONE.has(p)) v.ttft.set(p, [...(v.ttft.get(p) ?? []), dist(res.samples.map((s) => s.ttftMs)).p50]);
      }
    }
    const relayNow = relayPaths.length
      ? ` | relay ${relayPaths.map((p) => relayCpu.get(p)!.at(-1)!.toFixed(3)).join(' ')}`
      : '';
    process.stderr.write(
      `round ${r + 1}/${rounds}: ${variants.map((v) => `${v.name} ${paths.map((p) => `${p} ${v.cpu.get(p)!.at(-1)!.toFixed(3)}`).join(' ')}`).join(' | ')}${relayNow}\n`,
    );
  }
  console.log('\ndaemon CPU ms/request, median over rounds (min–max)');
  for (const v of variants) {
    const cells = paths.map((p) => {
      const xs = v.cpu.get(p)!;
      return `${p} ${median(xs).toFixed(3)} (${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)})`;
    });
    const ttft = [...v.ttft]
      .map(
        ([p, xs]) =>
          `  ${p} p50 TTFT ${median(xs).toFixed(2)} ms (per round: ${xs.map((x) => x.toFixed(2)).join(' ')})`,
      )
      .join('');
    console.log(`  ${v.name.padEnd(12)} ${cells.join('   ')}${ttft}`);
  }
  if (relay) {
    const floor = (p: PathName) => median(relayCpu.get(p)!);
    console.log(`  ${'bare relay'.padEnd(12)} ${relayPaths.map((p) => `${p} ${floor(p).toFixed(3)}`).join('   ')}`);
    // Also the median of each round's own ratio: the relay ran seconds before, so a machine that
    // slows down or speeds up over minutes (other tenants) cancels out.
    const perRound = (v: Variant, p: PathName) =>
      median(v.cpu.get(p)!.map((x, i) => x / relayCpu.get(p)![i]!)).toFixed(2);
    for (const v of variants)
      console.log(
        `  ${v.name.padEnd(12)} vs relay: ${relayPaths.map((p) => `${p} ${(median(v.cpu.get(p)!) / floor(p)).toFixed(2)}× (per round ${perRound(v, p)}×)`).join('   ')}`,
      );
    relay32!.agent.destroy();
    relay256!.agent.destroy();
    relay1!.agent.destroy();
  }
  for (const v of variants) {
    v.t32.agent.destroy();
    v.t256.agent.destroy();
    v.t1.agent.destroy();
    v.messages.agent.destroy();
    v.translated.agent.destroy();
    v.translatedOne.agent.destroy();
    await Promise.all([...v.clients, v.d.admin].map((c) => c.close()));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      save: { type: 'string' },
      a: { type: 'string' },
      b: { type: 'string' },
      rounds: { type: 'string', default: '6' },
      requests: { type: 'string', default: '1600' },
      paths: { type: 'string', default: 'http32,rpc32,http1' },
      'a-args': { type: 'string', default: '' },
      'b-args': { type: 'string', default: '' },
      relay: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.save) return save(values.save);
  if (!values.a || !values.b) throw new Error('usage: --save <name> | --a <name> --b <name>[,<name>…] [--relay]');
  const args = (s: string) => s.split(' ').filter(Boolean);
  // More than one B (`--b x,y`): each is measured against A in the same rounds, with B's node flags.
  const bs = values.b.split(',').filter(Boolean);
  await compare(
    [values.a, ...bs],
    [args(values['a-args']), ...bs.map(() => args(values['b-args']))],
    Number(values.rounds),
    Number(values.requests),
    values.paths.split(',') as PathName[],
    values.relay,
  );
}

runBenchMain('ab', main);
