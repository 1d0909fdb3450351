// Runs the extension-host suite in a downloaded VS Code (desktop machines; see suite/index.ts for
// code-server). Expects `node esbuild.mjs` and `node test/extension/build-suite.mjs` to have run
// (`npm run test:extension` does both). The daemon home is a fresh temp dir, removed afterwards.
import { runTests } from '@vscode/test-electron';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const home = mkdtempSync(path.join(tmpdir(), 'switchboard-exthost-home-'));
const workspace = mkdtempSync(path.join(tmpdir(), 'switchboard-exthost-ws-'));
try {
  await runTests({
    version: process.env.VSCODE_TEST_VERSION || 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'dist', 'test', 'suite', 'index.js'),
    extensionTestsEnv: { SWITCHBOARD_HOME: home },
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
    ],
  });
} catch (error) {
  console.error(`Extension-host tests failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  rmSync(home, { recursive: true, force: true });
  rmSync(workspace, { recursive: true, force: true });
}
