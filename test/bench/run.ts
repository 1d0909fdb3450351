/**
 * `npm run bench`: what the daemon adds over calling the upstream directly, and over the least a
 * relay can do (a bare node:http pass-through, bareRelay.ts), measured in the same run.
 *
 * The mock upstream (50-chunk streams, no pacing), the bare relay and the daemon each run in their
 * own process; this process is only the load generator (raw node:http, keep-alive). At each
 * concurrency, rounds of every path (paths.ts: direct, relay, the daemon's forwarding, translated
 * and JSON-RPC paths, for both upstream formats) are interleaved after a discarded warm-up, and every
 * process's CPU time is read from /proc around each round. Every chunk of every stream is checked in
 * order. A daemon path that does not answer (a surface not built yet) is skipped with a note. Prints
 * tables and target checks, writes test-artifacts/bench/results.json.
 *
 *   npm run bench                      # full run (~2-3 min on 2 idle cores)
 *   npm run bench -- --quick           # a tenth of the requests, for a smoke check
 *   npm run bench -- --warm-up 5000    # warm each path longer first (default 600 requests a level): steady-state figures
 *   npm run bench -- --profile         # then profile the daemon (--cpu-prof) at c=32, HTTP and JSON-RPC
 *   npm run bench -- --levels 1,32     # only some concurrencies
 *   npm run bench -- --paths daemon,messages   # only some paths (with their direct and relay baselines)
 *   npm run bench -- --profile-only    # only the profiles (no measured levels)
 *   npm run bench -- --profile-only --profile-concurrency 1   # profile at another concurrency than 32
 *   npm run bench -- --profile-only --profile-relay   # profile the bare relay too, under the same load
 *   npm run bench -- --bundle base     # measure (or with --profile-only, profile) a bundle saved by ab.ts (test-artifacts/bench/ab/base)
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureLevel, probe, WARM_UP_MIN_REQUESTS, type LevelPlan } from './level';
import { benchPaths, selectPaths } from './paths';
import { runBenchMain, snapshotDaemon, startMock, startRelay, tickMs } from './procs';
import { runProfiles } from './profile';
import { checks, renderChecks, renderCpu, renderTables, renderVsRelay, writeJson, type LevelResult } from './report';
import { addAnthropicConnection, ARTIFACTS, CHUNKS, daemonWithConnection, KEY } from './setup';

const PLANS: LevelPlan[] = [
  { concurrency: 1, rounds: 6, perRound: 50 }, // 300 requests per path
  { concurrency: 32, rounds: 8, perRound: 400 }, // 3200
  { concurrency: 256, rounds: 4, perRound: 1280 }, // 5120
];

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'profile-only': { type: 'boolean', default: false },
      'profile-concurrency': { type: 'string', default: '32' },
      'profile-relay': { type: 'boolean', default: false },
      'warm-up': { type: 'string' },
      bundle: { type: 'string' },
      levels: { type: 'string' },
      paths: { type: 'string' },
    },
    strict: true,
  });
  const scale = values.quick ? 0.1 : 1;
  const profileConcurrency = Number(values['profile-concurrency']);
  if (!Number.isInteger(profileConcurrency) || profileConcurrency < 1)
    throw new Error(`--profile-concurrency: ${values['profile-concurrency']} is not a whole number of at least 1`);
  const wanted = values.levels?.split(',').map(Number);
  const plans = PLANS.filter((p) => !wanted || wanted.includes(p.concurrency));
  if (plans.length === 0)
    throw new Error(`--levels: none of ${values.levels} is one of ${PLANS.map((p) => p.concurrency).join(',')}`);

  const bundle = values.bundle ? join(ARTIFACTS, 'ab', values.bundle, 'daemon.js') : undefined;
  if (values['profile-only']) {
    if (!bundle)
      process.stderr.write(
        `bench: daemon bundle ${await snapshotDaemon()} into test-artifacts/bench/daemon-snapshot\n`,
      );
    const mock = await startMock({ chunks: CHUNKS, validKey: KEY });
    await runProfiles(mock.info.openaiBaseUrl, scale, profileConcurrency, values['profile-relay'], bundle);
    return;
  }
  const started = Date.now();
  const loadBefore = loadavg()[0]!;
  const cores = cpus().length;
  if (loadBefore > cores)
    log(
      `bench: WARNING: load average ${loadBefore.toFixed(1)} on ${cores} cores — other work is running; latencies will be noisy.`,
    );
  if (bundle) log(`bench: daemon bundle ${bundle}`);
  else
    process.stderr.write(`bench: daemon bundle ${await snapshotDaemon()} into test-artifacts/bench/daemon-snapshot\n`);
  const mock = await startMock({ chunks: CHUNKS, validKey: KEY });
  const relay = await startRelay(mock.info.url);
  const daemon = await daemonWithConnection(mock.info.openaiBaseUrl, [], bundle);
  await addAnthropicConnection(daemon.admin, mock.info.url);
  log(
    `bench: mock pid ${mock.info.pid} (${mock.info.url}), bare relay pid ${relay.child.pid} (port ${relay.info.port}), daemon pid ${daemon.info.pid} (port ${daemon.info.port})`,
  );
  const procs = { mock: mock.info.pid, relay: relay.child.pid, daemon: daemon.info.pid, home: daemon.home };

  let paths = selectPaths(
    benchPaths({ mock: Number(new URL(mock.info.url).port), relay: relay.info.port }, daemon.info),
    values.paths?.split(','),
  );
  const failed = await probe(paths, daemon.home);
  for (const [name, why] of failed) log(`bench: SKIPPING path ${name}: ${why}`);
  paths = paths.filter(
    (p) => !failed.has(p.name) && !(p.direct && failed.has(p.direct)) && !(p.floor && failed.has(p.floor)),
  );

  const levels: LevelResult[] = [];
  const warmUp = values['warm-up'] === undefined ? WARM_UP_MIN_REQUESTS : Number(values['warm-up']);
  if (!Number.isInteger(warmUp) || warmUp < 0)
    throw new Error(`--warm-up: ${values['warm-up']} is not a whole number of requests`);
  for (const plan of plans) levels.push(await measureLevel(plan, paths, procs, scale, log, warmUp));
  await daemon.admin.close();
  const loadAfter = loadavg()[0]!;

  const list = checks(levels, paths);
  console.log('');
  console.log(renderTables(levels, paths));
  console.log('');
  console.log(renderVsRelay(levels, paths));
  console.log('');
  console.log(renderCpu(levels, paths));
  console.log('');
  console.log(renderChecks(list));
  for (const [name, why] of failed) console.log(`  SKIPPED  path ${name}: ${why.slice(0, 200)}`);
  const busy = Math.max(loadBefore, loadAfter) > cores;
  if (busy)
    console.log(
      `  NOTE: load average was ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${cores} cores: other processes competed for the CPU, so latency and throughput figures are pessimistic.`,
    );
  const results = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: cores,
    loadavg1m: { before: loadBefore, after: loadAfter },
    chunks: CHUNKS,
    quick: values.quick,
    warmUpRequests: warmUp,
    clockTickMs: tickMs(),
    durationS: (Date.now() - started) / 1000,
    paths: paths.map(({ name, label, relayProc, direct, floor }) => ({ name, label, relayProc, direct, floor })),
    skipped: Object.fromEntries(failed),
    levels,
    checks: list,
  };
  const file = join(ARTIFACTS, 'results.json');
  writeJson(file, results);
  console.log(`\nResults: ${file}  (${results.durationS.toFixed(0)} s)`);

  if (values.profile) {
    await daemon.child.stop();
    await runProfiles(mock.info.openaiBaseUrl, scale, profileConcurrency, values['profile-relay']);
  }
}

runBenchMain('bench', main);
