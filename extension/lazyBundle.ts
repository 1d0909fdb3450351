/**
 * Bundles beside extension.js that it loads on first use (scripts/bundles.mjs lists them): what only
 * some sessions need stays out of the file VS Code parses on every activation.
 *
 * Such a bundle carries its own copy of each module it imports, except those listed in
 * `EXTENSION_MODULES`: those it takes from extension.js (scripts/bundles.mjs maps their imports to the
 * objects handed over here), because errors made on one side are recognised with `instanceof` on the
 * other (a `DaemonUnavailableError` from the daemon connection, checked by the chat).
 */
import { join } from 'node:path';
import * as clientErrors from '../shared/client/errors';
import * as errors from '../shared/errors';

/** The modules a bundle loaded later shares with extension.js, by repo path (as scripts/bundles.mjs names them). */
const EXTENSION_MODULES = {
  'shared/errors.ts': errors,
  'shared/client/errors.ts': clientErrors,
};

/** Where a bundle finds them while it loads (a registered symbol: the bundle has no other handle on extension.js). */
const HANDOVER = Symbol.for('switchboard.extensionModules');

/** Puts extension.js's shared modules where a bundle loading next finds them. */
export function handOverExtensionModules(): void {
  (globalThis as Record<symbol, unknown>)[HANDOVER] = EXTENSION_MODULES;
}

/** Requires `dist/<file>` (once: Node caches it) with extension.js's shared modules handed over. */
export function loadBundle<T>(file: string): T {
  handOverExtensionModules();
  // A runtime require of a sibling file: esbuild leaves it alone, so the bundle stays out of extension.js.
  return require(join(__dirname, file)) as T;
}
