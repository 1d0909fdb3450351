/**
 * Runs the extension-host mocha suite inside code-server. code-server refuses
 * `--extensionDevelopmentPath` on its command line, but the workbench URL's `payload` takes it and
 * `extensionTestsPath`; the suite's exit code comes back through `codeAutomationExit`, which the
 * workbench calls on the page when the test runner finishes. Mocha's output arrives as console messages.
 */
import * as path from 'node:path';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { existsSync, writeFileSync } from 'node:fs';
import { formatWithOptions } from 'node:util';
import { ROOT } from './lib/build';
import { run } from './lib/procs';
import type { CodeServer } from './lib/codeServer';
import type { Steps } from './lib/steps';

/** The suite's entry (test-electron runner contract: `exports.run`), built by esbuild. */
export const SUITE = path.join('dist', 'test', 'suite', 'index.js');
/** The language-model suite's entry: needs VS Code 1.104+ (code-server 4.104). */
export const LM_SUITE = path.join('dist', 'test', 'lmSuite', 'index.js');
/** An extension that uses Switchboard's models through `vscode.lm`, as any other extension would. */
export const LM_CONSUMER = path.join('test', 'e2e', 'fixtures', 'lm-consumer');
const SUITE_TIMEOUT_MS = 5 * 60_000;
/** The extension-core's bundler of the suite; the suite is not part of the production build. */
const SUITE_BUILDER = path.join(ROOT, 'test', 'extension', 'build-suite.mjs');

export async function buildSuite(): Promise<void> {
  if (existsSync(SUITE_BUILDER)) await run(process.execPath, [SUITE_BUILDER], { cwd: ROOT });
}

export interface ExtHostOptions {
  /** Default: {@link SUITE}. */
  suite?: string;
  codeServer: CodeServer;
  browser: Browser;
  steps: Steps;
  artifacts: string;
}

export async function runExtensionHostSuite(o: ExtHostOptions): Promise<void> {
  await o.steps.step('extension-host suite', async () => {
    const context = await o.browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const page = await context.newPage();
      let resolveExit!: (code: number) => void;
      const exited = new Promise<number>((resolve) => (resolveExit = resolve));
      // Must exist before the workbench loads: it looks for the function when the suite ends.
      await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
      // Formatting needs each message's arguments (async); a chain keeps mocha's lines in order.
      const raw: string[] = [];
      const shots: Array<Promise<string | undefined>> = [];
      let printing = Promise.resolve();
      page.on('console', (message) => {
        raw.push(message.text());
        printing = printing.then(async () => {
          const line = await mochaLine(message);
          const shot = line === undefined ? null : SCREENSHOT.exec(line);
          if (shot) shots.push(screenshotOnRequest(page, o.artifacts, shot[1]!, shot[2]!));
          else if (line !== undefined) console.log(`    ${line}`);
        });
      });
      const url = o.codeServer.workbenchUrl([
        ['extensionDevelopmentPath', o.codeServer.remoteUri(ROOT)],
        ['extensionTestsPath', o.codeServer.remoteUri(path.join(ROOT, o.suite ?? SUITE))],
      ]);
      // The extension host starts when this page connects, and stops when it closes: keep it open.
      await page.goto(url);
      const timeout = new Promise<number>((_, reject) =>
        setTimeout(
          () => reject(new Error(`the suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s`)),
          SUITE_TIMEOUT_MS,
        ).unref(),
      );
      const code = await Promise.race([exited, timeout]);
      await printing;
      writeFileSync(path.join(o.artifacts, 'exthost-console.log'), raw.join('\n') + '\n');
      await page.screenshot({ path: path.join(o.artifacts, 'exthost.png') }).catch(() => undefined);
      if (code !== 0) throw new Error(`the extension-host suite failed (exit code ${code}); its output is above`);
      const missed = (await Promise.all(shots)).filter((m): m is string => m !== undefined);
      if (missed.length > 0) throw new Error(missed.join('; '));
    } finally {
      await context.close();
    }
  });
}

/** A suite's request for a screenshot: `switchboard-e2e:screenshot <name> <text to wait for>`. */
const SCREENSHOT = /^switchboard-e2e:screenshot (\S+) (.+)$/;

/**
 * Waits for a quick pick showing `text`, saves `<name>.png` and closes the pick with Escape (which
 * the suite waits for). Resolves with what went wrong, or undefined.
 */
async function screenshotOnRequest(
  page: Page,
  artifacts: string,
  name: string,
  text: string,
): Promise<string | undefined> {
  try {
    await page
      .locator('.quick-input-widget .quick-input-list')
      .getByText(text, { exact: false })
      .first()
      .waitFor({ state: 'visible', timeout: 20_000 });
    await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
    return undefined;
  } catch (error) {
    return `screenshot ${name}: the quick pick never showed "${text}" (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  } finally {
    await page.keyboard.press('Escape').catch(() => undefined);
  }
}

/** Workbench chatter that shares the log channel with the suite's output. */
const NOISE =
  /^(Creating a socket|Resolv(ing|ed) connection token|Updating additional builtin|\[Service Worker\]|ChatSessionStore|.*open-vsx\.org|\[lifecycle\] Long running operations)/;

/**
 * A line of the suite's output, or undefined for anything else. The remote extension host's console
 * reaches the page as the workbench's log calls: `("%c INFO", "color: …", format, ...args)`, so the
 * line is `format` applied to `args`, as mocha's reporter meant it.
 */
async function mochaLine(message: ConsoleMessage): Promise<string | undefined> {
  const args = await Promise.all(message.args().map((a) => a.jsonValue().catch(() => String(a))));
  const [level, style, format, ...rest] = args as unknown[];
  if (typeof level !== 'string' || !/^%c\s+(INFO|WARN|ERR)/.test(level) || typeof style !== 'string') return undefined;
  const line =
    format === undefined
      ? ''
      : typeof format === 'string'
        ? formatWithOptions({ colors: false }, format, ...rest)
        : formatWithOptions({ colors: false }, '%o', format);
  if (NOISE.test(line)) return undefined;
  return /ERR/.test(level) ? `[error] ${line.trimEnd()}` : line.trimEnd();
}
