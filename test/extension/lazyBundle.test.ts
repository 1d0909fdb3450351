/**
 * A bundle extension.js loads on first use (dist/chat.js, dist/manager.js) takes the error classes from
 * extension.js (extension/lazyBundle.ts hands them over, scripts/bundles.mjs maps the imports), so an
 * error the daemon connection made is still an `instanceof` its class in the chat.
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonUnavailableError } from '../../shared/client/errors';
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import { handOverExtensionModules } from '../../extension/lazyBundle';
// @ts-expect-error: a plain ES module without declarations
import { fromExtension } from '../../scripts/bundles.mjs';

const root = path.resolve(__dirname, '../..');
const HANDOVER = Symbol.for('switchboard.extensionModules');

interface Probe {
  isUnavailable(error: unknown): boolean;
  isSwitchboardError(error: unknown): boolean;
  codes: typeof ErrorCode;
}

/** A bundle built as dist/chat.js is (CommonJS, with the plugin), of a module that checks errors, evaluated here. */
async function probeBundle(): Promise<() => Probe> {
  const result = await esbuild.build({
    absWorkingDir: root,
    stdin: {
      contents: `import { DaemonUnavailableError } from './shared/client/errors';
import { ErrorCode, SwitchboardError } from './shared/errors';
export const isUnavailable = (e) => e instanceof DaemonUnavailableError;
export const isSwitchboardError = (e) => e instanceof SwitchboardError;
export const codes = ErrorCode;`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
    plugins: [fromExtension],
  });
  const code = result.outputFiles[0]!.text;
  return () => {
    const module = { exports: {} as Probe };
    new Function('module', 'exports', 'require', code)(module, module.exports, require);
    return module.exports;
  };
}

describe('bundles loaded on first use', () => {
  afterEach(() => {
    delete (globalThis as Record<symbol, unknown>)[HANDOVER];
  });

  it("recognise extension.js's errors with instanceof: the error modules are handed over, not copied", async () => {
    const load = await probeBundle();
    handOverExtensionModules();
    const probe = load();
    expect(
      probe.isUnavailable(new DaemonUnavailableError('not-running', 'The daemon is not running.', 'Start it.')),
    ).toBe(true);
    expect(probe.isSwitchboardError(new SwitchboardError(ErrorCode.TIMEOUT, 'Slow.', { hint: 'Wait.' }))).toBe(true);
    expect(probe.isUnavailable(new SwitchboardError(ErrorCode.TIMEOUT, 'Slow.', { hint: 'Wait.' }))).toBe(false);
    expect(probe.codes).toBe(ErrorCode);
  }, 60_000);

  it('say what is wrong when loaded without extension.js', async () => {
    const load = await probeBundle();
    expect(load).toThrow(/loaded by extension\.js/);
  }, 60_000);
});
