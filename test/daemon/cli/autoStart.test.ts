/**
 * A command that finds no daemon starts one, detached, and it outlives the command (issue 13,
 * item 16): the CLI must say so on stderr, with the pid and home, and how to stop it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAEMON_NODE_ARGS } from '../../../shared/client/daemonNodeArgs';
import { commandLineOf } from '../../helpers/daemonProcess';
import { daemonPid, ensureBuilt, runCli, stopAndRemove, tempDir } from './cliHarness';

let home: string;

/** Each test runs several CLI processes (about a second each on a busy machine). */
const CLI_TEST_TIMEOUT_MS = 90_000;

beforeAll(() => {
  ensureBuilt();
  home = tempDir('sb-cli-autostart-');
});

afterAll(async () => {
  if (home) await stopAndRemove(home);
});

describe('starting a daemon on demand', () => {
  it(
    'says on stderr that it started one, its pid and home, and how to stop it',
    async () => {
      const r = await runCli(home, ['connections', 'list', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json()).toEqual({ connections: [] }); // stdout stays clean JSON
      const pid = daemonPid(home)!;
      expect(r.stderr).toContain(`Started a Switchboard daemon in the background (pid ${pid}, home ${home})`);
      expect(r.stderr).toContain('it keeps running after this command');
      // Started with the daemon's Node options, as every launcher starts it.
      const argv = commandLineOf(pid);
      if (argv) expect(argv.slice(1, 1 + DAEMON_NODE_ARGS.length)).toEqual(DAEMON_NODE_ARGS);
      const stop = r.stderr.match(/Stop it with: switchboard (daemon stop --home \S+)/);
      expect(stop, r.stderr).not.toBeNull();
      // A second command finds it running and says nothing about starting.
      expect((await runCli(home, ['connections', 'list'])).stderr).not.toMatch(/Started/);
      // The command it printed stops that daemon.
      const stopped = await runCli(home, [...stop![1]!.split(' '), '--json']);
      expect(stopped.json()).toMatchObject({ stopped: true, pid });
      expect(() => process.kill(pid, 0)).toThrow();
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
