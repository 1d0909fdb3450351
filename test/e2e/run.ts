/**
 * `npm run test:e2e`: the real extension in a real VS Code (code-server, see ../shared/E2E.md) driven
 * by headless Chromium, against a mock upstream and a daemon home made for this run.
 *
 *   npx tsx test/e2e/run.ts            the connection scenario, with the packaged VSIX
 *   npx tsx test/e2e/run.ts --exthost  the extension-host mocha suite (dist/test/suite/index.js)
 *   npx tsx test/e2e/run.ts --lm       Switchboard's models in VS Code's model picker: the language-model
 *                                      suite (dist/test/lmSuite/index.js) in code-server 4.104 (VS Code 1.104,
 *                                      Node 22), used by a fixture extension through `vscode.lm`
 *   … --keep                           keep the temp dir (daemon home, code-server logs) for a look
 *
 * Ends with `e2e: N passed, N failed` and a non-zero exit when anything failed. Screenshots and logs
 * go to test-artifacts/e2e/ (--exthost: test-artifacts/e2e-exthost/). Only processes this run started
 * are stopped: code-server by its process group, the daemon it spawned by the pid in this run's daemon.json.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { startMockUpstream, type MockUpstream } from '../mocks/upstream';
import { buildSuite, LM_CONSUMER, LM_SUITE, runExtensionHostSuite, SUITE } from './exthost';
import { build, packageFixture, packageVsix, ROOT } from './lib/build';
import { CodeServer } from './lib/codeServer';
import { isAlive, killPid } from './lib/procs';
import { slug, Steps } from './lib/steps';
import { launchBrowser, Workbench } from './lib/workbench';
import { bedrockScenario } from './scenarios/bedrockFlow';
import { chatScenario } from './scenarios/chatFlow';
import { chatActionsScenario } from './scenarios/chatActions';
import { connectionScenario, E2E_KEYS } from './scenarios/connectionFlow';
import { usageViewScenario } from './scenarios/usageView';

const args = new Set(process.argv.slice(2));
// Apart, so running one mode does not wipe the other's screenshots.
const MODE = args.has('--lm') ? 'lm' : args.has('--exthost') ? 'exthost' : 'ui';
const ARTIFACTS = path.join(ROOT, 'test-artifacts', { ui: 'e2e', exthost: 'e2e-exthost', lm: 'e2e-lm' }[MODE]);

/** Everything the scenario may use, and everything teardown must stop. */
export interface E2eContext {
  root: string;
  home: string;
  mock: MockUpstream;
  codeServer: CodeServer;
  browser: Browser;
  wb: Workbench;
  artifacts: string;
  /** The pid in this run's daemon.json, if a daemon is running. */
  daemonPid(): number | undefined;
}

function timed<T>(label: string, timings: Array<{ name: string; ms: number }>, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  return fn().finally(() => timings.push({ name: label, ms: Date.now() - started }));
}

async function main(): Promise<number> {
  const started = Date.now();
  const prep: Array<{ name: string; ms: number }> = [];
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });

  // Installs Chromium, ripgrep and code-server once per machine; a no-op afterwards.
  const setup = spawnSync('bash', [path.join(import.meta.dirname, 'setup.sh'), ...(MODE === 'lm' ? ['--lm'] : [])], {
    stdio: 'inherit',
    cwd: ROOT,
  });
  if (setup.status !== 0) {
    console.log('e2e: setup failed (test/e2e/setup.sh)');
    console.log('e2e: 0 passed, 1 failed');
    return 1;
  }

  const exthost = MODE !== 'ui';
  const suite = MODE === 'lm' ? LM_SUITE : SUITE;
  await timed('build', prep, build);
  if (exthost) await timed('build suite', prep, buildSuite);
  if (exthost && !existsSync(path.join(ROOT, suite))) {
    console.log(`e2e: ${suite} does not exist (the extension-host suite is not built yet); nothing to run.`);
    console.log('e2e: 0 passed, 0 failed');
    return 0;
  }
  const vsix = exthost ? undefined : await timed('package VSIX', prep, packageVsix);

  const root = mkdtempSync(path.join(tmpdir(), 'switchboard-e2e-'));
  const home = path.join(root, 'home');
  const workspace = path.join(root, 'workspace');
  mkdirSync(home, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  writeFileSync(path.join(workspace, 'README.md'), '# e2e workspace\n');
  const daemonPid = (): number | undefined => {
    try {
      const pid = (JSON.parse(readFileSync(path.join(home, 'daemon.json'), 'utf8')) as { pid?: unknown }).pid;
      return typeof pid === 'number' ? pid : undefined;
    } catch {
      return undefined;
    }
  };

  const steps = new Steps(async (name) => void (await ctx?.wb.shot(`failure-${slug(name)}`)));
  let ctx: E2eContext | undefined;
  let mock: MockUpstream | undefined;
  let codeServer: CodeServer | undefined;
  let browser: Browser | undefined;
  const logFile = path.join(root, 'code-server.log');
  let tornDown: Promise<void> | undefined;
  const teardown = () =>
    (tornDown ??= (async () => {
      await browser?.close().catch(() => undefined);
      await codeServer?.stop().catch(() => undefined);
      // The daemon is detached from VS Code (it outlives windows), so code-server's group does not
      // include it; it is ours because it runs on this run's home.
      const pid = daemonPid();
      if (pid !== undefined && isAlive(pid)) await killPid(pid).catch(() => undefined);
      await mock?.close().catch(() => undefined);
      for (const log of [logFile, path.join(home, 'daemon.log')]) {
        if (existsSync(log)) copyFileSync(log, path.join(ARTIFACTS, path.basename(log)));
      }
      if (args.has('--keep')) console.log(`e2e: kept ${root}`);
      else rmSync(root, { recursive: true, force: true });
    })());
  // Ctrl-C must not leave a detached code-server or daemon behind.
  const onSignal = () => {
    console.log('e2e: interrupted; stopping what this run started');
    void teardown().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    mock = await startMockUpstream({ validKeys: E2E_KEYS });
    CodeServer.prepare(root);
    if (vsix) await timed('install VSIX', prep, () => CodeServer.installExtension(root, vsix));
    // The extension that uses Switchboard's models, installed as any extension would be.
    if (MODE === 'lm')
      await timed('install lm-consumer', prep, async () =>
        CodeServer.installExtension(root, await packageFixture(LM_CONSUMER), 'vscode-1.104'),
      );
    codeServer = await timed('start code-server', prep, () =>
      CodeServer.start({
        root,
        workspace,
        logFile,
        env: { SWITCHBOARD_HOME: home, SWITCHBOARD_TEST_UPSTREAM_URL: mock!.openaiBaseUrl },
        flavor: MODE === 'lm' ? 'vscode-1.104' : 'vscode-1.100',
      }),
    );
    browser = await launchBrowser();

    if (exthost) {
      await runExtensionHostSuite({ codeServer, browser, steps, artifacts: ARTIFACTS, suite });
    } else {
      const opened = await timed('open workbench', prep, () =>
        Workbench.open(browser!, codeServer!.workbenchUrl(), ARTIFACTS),
      );
      ctx = { root, home, mock, codeServer, browser, wb: opened.wb, artifacts: ARTIFACTS, daemonPid };
      await connectionScenario(ctx, steps);
      await usageViewScenario(ctx, steps);
      await chatScenario(ctx, steps);
      await chatActionsScenario(ctx, steps);
      await bedrockScenario(ctx, steps);
    }
  } catch (error) {
    steps.fail('e2e harness', error);
    await ctx?.wb.shot('failure-harness').catch(() => undefined);
  } finally {
    await teardown();
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }

  const stepsMs = steps.timings.reduce((sum, t) => sum + t.ms, 0);
  const all = [...prep, { name: 'steps', ms: stepsMs }].map((t) => `${t.name} ${(t.ms / 1000).toFixed(1)}s`).join(', ');
  console.log(`e2e: timings: ${all}; total ${((Date.now() - started) / 1000).toFixed(1)}s`);
  console.log(`e2e: artifacts in ${path.relative(ROOT, ARTIFACTS)}/`);
  if (steps.skipped) console.log(`e2e: ${steps.skipped} skipped after a failure`);
  console.log(`e2e: ${steps.passed} passed, ${steps.failed} failed`);
  return steps.failed === 0 && steps.passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    console.log('e2e: 0 passed, 1 failed');
    process.exit(1);
  },
);
