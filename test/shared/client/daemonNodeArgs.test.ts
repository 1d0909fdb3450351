/**
 * Every way of starting the daemon passes its Node options: `npm start` (a package.json script,
 * which cannot import them) is checked here; the extension's launcher and the CLI in their own
 * tests, on the real process's command line.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAEMON_NODE_ARGS, daemonArgv } from '../../../shared/client/daemonNodeArgs';

describe("the daemon's Node options", () => {
  it('go before the script', () => {
    expect(daemonArgv('/x/daemon.js')).toEqual([...DAEMON_NODE_ARGS, '/x/daemon.js']);
    expect(DAEMON_NODE_ARGS).toContain('--single-threaded-gc');
  });

  it('are the ones `npm start` runs the daemon with', () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['start']).toContain(`node ${DAEMON_NODE_ARGS.join(' ')} dist/daemon.js`);
  });
});
