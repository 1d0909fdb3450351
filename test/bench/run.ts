/**
 * `npm run bench`: what the daemon adds over calling the upstream directly.
 *
 * The mock upstream (50-chunk OpenAI streams, no pacing) and the daemon each run in their own
 * process; this process is only the load generator (raw node:http, keep-alive). At each
 * concurrency, rounds are interleaved (direct, daemon HTTP, daemon JSON-RPC, direct, …) after a
 * discarded warm-up, and every process's CPU time is read from /proc around each round. Prints
 * tables and target checks, writes test-artifacts/bench/results.json.
 *
 *   npm run bench                      # full run (~2-3 min on 2 idle cores)
 *   npm run bench -- --quick           # a tenth of the requests, for a smoke check
 *   npm run bench -- --profile         # then profile the daemon (--cpu-prof) at c=32, HTTP and JSON-RPC
 *   npm run bench -- --levels 1,32     # only some concurrencies
 *   npm run bench -- --profile-only    # only the profiles (no measured levels)
 *   npm run bench -- --profile-only --profile-concurrency 1   # profile at another concurrency than 32
 *   npm run bench -- --bundle base     # measure a bundle saved by ab.ts (test-artifacts/bench/ab/base); profiles still use dist/
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureLevel, type LevelPlan } from './level';
import { runBenchMain, snapshotDaemon, startMock, tickMs } from './procs';
import { runProfiles } from './profile';
import { checks, renderChecks, renderCpu, renderTables, writeJson, type LevelResult } from './report';
import { ARTIFACTS, CHUNKS, daemonWithConnection, KEY } from './setup';

const PLANS: LevelPlan[] = [
  { concurrency: 1, rounds: 6, perRound: 50, rpc: true }, // 300 requests per path
  { concurrency: 32, rounds: 8, perRound: 400, rpc: true }, // 3200
  { concurrency: 256, rounds: 4, perRound: 1280, rpc: false }, // 5120
];

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'profile-only': { type: 'boolean', default: false },
      'profile-concurrency': { type: 'string', default: '32' },
      bundle: { type: 'string' },
      levels: { type: 'string' },
    },
    strict: true,
  });
  const scale = values.quick ? 0.1 : 1;
  const profileConcurrency = Number(values['profile-concurrency']);
  if (!Number.isInteger(profileConcurrency) || profileConcurrency < 1) throw new Error(`--profile-concurrency: ${values['profile-concurrency']} is not a whole number of at least 1`);
  const wanted = values.levels?.split(',').map(Number);
  const plans = PLANS.filter((p) => !wanted || wanted.includes(p.concurrency));
  if (plans.length === 0) throw new Error(`--levels: none of ${values.levels} is one of ${PLANS.map((p) => p.concurrency).join(',')}`);

  if (values['profile-only']) {
    process.stderr.write(`bench: daemon bundle ${await snapshotDaemon()} into test-artifacts/bench/daemon-snapshot\n`);
    const mock = await startMock({ chunks: CHUNKS, validKey: KEY });
    await runProfiles(mock.info.openaiBaseUrl, scale, profileConcurrency);
    return;
  }
  const started = Date.now();
  const loadBefore = loadavg()[0]!;
  const cores = cpus().length;
  if (loadBefore > cores) log(`bench: WARNING: load average ${loadBefore.toFixed(1)} on ${cores} cores — other work is running; latencies will be noisy.`);
  const bundle = values.bundle ? join(ARTIFACTS, 'ab', values.bundle, 'daemon.js') : undefined;
  if (bundle) log(`bench: daemon bundle ${bundle}`);
  else process.stderr.write(`bench: daemon bundle ${await snapshotDaemon()} into test-artifacts/bench/daemon-snapshot\n`);
  const mock = await startMock({ chunks: CHUNKS, validKey: KEY });
  const daemon = await daemonWithConnection(mock.info.openaiBaseUrl, [], bundle);
  log(`bench: mock pid ${mock.info.pid} (${mock.info.url}), daemon pid ${daemon.info.pid} (port ${daemon.info.port})`);
  const pids = { mock: mock.info.pid, daemon: daemon.info, mockPort: Number(new URL(mock.info.url).port), home: daemon.home };

  const levels: LevelResult[] = [];
  for (const plan of plans) levels.push(await measureLevel(plan, pids, scale, log));
  await daemon.admin.close();
  const loadAfter = loadavg()[0]!;

  const list = checks(levels);
  console.log('');
  console.log(renderTables(levels));
  console.log('');
  console.log(renderCpu(levels));
  console.log('');
  console.log(renderChecks(list));
  const busy = Math.max(loadBefore, loadAfter) > cores;
  if (busy) console.log(`  NOTE: load average was ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${cores} cores: other processes competed for the CPU, so latency and throughput figures are pessimistic.`);
  const results = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: cores,
    loadavg1m: { before: loadBefore, after: loadAfter },
    chunks: CHUNKS,
    quick: values.quick,
    clockTickMs: tickMs(),
    durationS: (Date.now() - started) / 1000,
    levels,
    checks: list,
  };
  const file = join(ARTIFACTS, 'results.json');
  writeJson(file, results);
  console.log(`\nResults: ${file}  (${results.durationS.toFixed(0)} s)`);

  if (values.profile) {
    await daemon.child.stop();
    await runProfiles(mock.info.openaiBaseUrl, scale, profileConcurrency);
  }
}

runBenchMain('bench', main);
