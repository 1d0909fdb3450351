/**
 * Calibration: what relaying a 50-chunk stream costs a Node process on THIS machine, by method, next
 * to what the daemon costs — so the daemon's figures can be read against a floor rather than in a
 * vacuum. Each relay (calibrate-relay.ts) and the daemon run in their own process against the same
 * mock; CPU is read from /proc.
 *
 *   node --import tsx test/bench/calibrate.ts [--modes pipe,http-parse,…] [--requests 1600]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeAgent, requestBody, runRound, streamHttp, type HttpTarget } from './loadgen';
import { cpuMs, REPO, runBenchMain, snapshotDaemon, startJsonLineChild, startMock, type Child } from './procs';
import { writeJson } from './report';
import { ARTIFACTS, CHUNKS, daemonWithConnection, EXPECT_TEXT, KEY, MODEL } from './setup';
import { dist } from './stats';

const ALL = ['direct', 'pipe', 'http-passthrough', 'http-parse', 'fetch-parse', 'sdk', 'sdk-nocork', 'daemon'];

interface Row {
  target: string;
  c1P50TtftMs: number;
  c1P50TotalMs: number;
  c32StreamsPerSec: number;
  relayCpuMsPerRequest: number;
  mockCpuMsPerRequest: number;
  loadgenCpuMsPerRequest: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { modes: { type: 'string' }, requests: { type: 'string', default: '1600' } },
    strict: true,
  });
  const modes = values.modes ? values.modes.split(',') : ALL;
  const n = Number(values.requests);
  process.stderr.write(`bench: daemon bundle ${await snapshotDaemon()} into test-artifacts/bench/daemon-snapshot\n`);
  const mock = await startMock({ chunks: CHUNKS, validKey: KEY });
  const mockPort = Number(new URL(mock.info.url).port);
  const rows: Row[] = [];
  for (const mode of modes) {
    let child: Child | undefined;
    let port = mockPort;
    let token = KEY;
    let relayPid = 0;
    let close = async () => undefined as void;
    if (mode === 'daemon') {
      const d = await daemonWithConnection(mock.info.openaiBaseUrl);
      child = d.child;
      port = d.info.port;
      token = d.info.token;
      relayPid = d.info.pid;
      close = () => d.admin.close();
    } else if (mode !== 'direct') {
      const r = await startJsonLineChild<{ port: number }>(`relay-${mode}`, [
        '--import',
        'tsx',
        join(REPO, 'test/bench/calibrate-relay.ts'),
        '--mode',
        mode,
        '--upstream',
        mock.info.openaiBaseUrl,
        '--key',
        KEY,
      ]);
      child = r.child;
      port = r.info.port;
      relayPid = r.child.pid;
    }
    const t1: HttpTarget = { name: mode, port, path: '/v1/chat/completions', token, model: MODEL, agent: makeAgent(1) };
    const t32: HttpTarget = { ...t1, agent: makeAgent(32) };
    const body = requestBody(MODEL);
    await runRound(200, 1, () => streamHttp(t1, body, CHUNKS, EXPECT_TEXT));
    await runRound(Math.max(64, n / 4), 32, () => streamHttp(t32, body, CHUNKS, EXPECT_TEXT));
    const c1 = await runRound(200, 1, () => streamHttp(t1, body, CHUNKS, EXPECT_TEXT));
    const before = { relay: relayPid ? cpuMs(relayPid) : 0, mock: cpuMs(mock.info.pid), self: process.cpuUsage() };
    const c32 = await runRound(n, 32, () => streamHttp(t32, body, CHUNKS, EXPECT_TEXT));
    await new Promise((r) => setTimeout(r, 600)); // the daemon's deferred usage write
    const self = process.cpuUsage(before.self);
    rows.push({
      target: mode,
      c1P50TtftMs: dist(c1.samples.map((s) => s.ttftMs)).p50,
      c1P50TotalMs: dist(c1.samples.map((s) => s.totalMs)).p50,
      c32StreamsPerSec: (n * 1000) / c32.wallMs,
      relayCpuMsPerRequest: relayPid ? (cpuMs(relayPid) - before.relay) / n : 0,
      mockCpuMsPerRequest: (cpuMs(mock.info.pid) - before.mock) / n,
      loadgenCpuMsPerRequest: (self.user + self.system) / 1000 / n,
    });
    t1.agent.destroy();
    t32.agent.destroy();
    await close();
    await child?.stop();
    process.stderr.write(`  ${mode}: done\n`);
  }
  const f = (v: number, d = 3) => v.toFixed(d);
  console.log('\nCalibration (c=1: 200 requests; c=32: %d requests; CPU from /proc at c=32)', n);
  console.log(
    [
      'target'.padEnd(16),
      'c=1 p50 TTFT',
      'c=1 p50 total',
      'c=32 str/s',
      'relay CPU ms/req',
      'mock CPU ms/req',
      'loadgen CPU ms/req',
    ].join('  '),
  );
  for (const r of rows) {
    console.log(
      [
        r.target.padEnd(16),
        f(r.c1P50TtftMs, 2).padStart(12),
        f(r.c1P50TotalMs, 2).padStart(13),
        f(r.c32StreamsPerSec, 0).padStart(10),
        f(r.relayCpuMsPerRequest).padStart(16),
        f(r.mockCpuMsPerRequest).padStart(15),
        f(r.loadgenCpuMsPerRequest).padStart(18),
      ].join('  '),
    );
  }
  writeJson(join(ARTIFACTS, 'calibration.json'), { at: new Date().toISOString(), requests: n, rows });
}

runBenchMain('calibrate', main);
