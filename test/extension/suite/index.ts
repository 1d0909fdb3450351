/**
 * Switchboard's extension-host test suite (mocha@11, bdd), using the @vscode/test-electron runner
 * contract: VS Code loads this file as `extensionTestsPath` and calls `run()`, which resolves when
 * every test passed and rejects otherwise.
 *
 * HOW TO RUN
 * - Build first: `node esbuild.mjs` (dist/extension.js, dist/daemon.js) and
 *   `node test/extension/build-suite.mjs` (this suite → dist/test/suite/index.js; `vscode` and
 *   `mocha` stay external, mocha resolves from the repo's node_modules).
 * - Desktop: `npm run test:extension` (test/extension/runTest.mjs: test-electron downloads VS Code,
 *   sets SWITCHBOARD_HOME to a temp dir, runs this suite).
 * - code-server (machines without a VS Code download, see /work/shared/E2E.md): open the workbench
 *   with `payload=[["extensionDevelopmentPath","vscode-remote://127.0.0.1:<port><repo>"],
 *   ["extensionTestsPath","vscode-remote://127.0.0.1:<port><repo>/dist/test/suite/index.js"]]`,
 *   receive the exit code through `page.exposeFunction('codeAutomationExit', …)` (0 pass, 1 fail);
 *   mocha's spec output arrives as page console messages.
 * - Environment: give VS Code / code-server `SWITCHBOARD_HOME=<fresh temp dir>`. Without it the
 *   suite points `switchboard.daemon.home` (user settings) at a temp dir itself, but the extension
 *   may already have connected to (or started) the daemon of the default home before that.
 * - The suite starts a detached daemon in that home and stops it at the end (daemon/shutdown, then
 *   SIGKILL if needed): killing code-server's process group does not reach a detached daemon.
 * - Takes ~15–30 s. Needs a workspace folder only for nothing in particular (any or none works).
 */
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, slow: 5_000 });
  // The test files are bundled into this file; declaring them after pre-require gives them mocha's context.
  mocha.suite.emit('pre-require', globalThis, 'switchboard-exthost', mocha);
  require('./setup');
  require('./lifecycle.exthost');
  require('./keys.exthost');
  require('./commands.exthost');
  require('./chat.exthost');
  require('./chatActions.exthost');
  require('./context.exthost');
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) =>
        failures > 0 ? reject(new Error(`${failures} Switchboard extension-host test(s) failed.`)) : resolve(),
      );
    } catch (error) {
      reject(error);
    }
  });
}
