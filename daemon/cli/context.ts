/**
 * What every command works with: the home, the output, a lazily opened client (starting the
 * daemon when none runs), Ctrl+C as an AbortSignal, and connection lookup by name or id.
 */
import { ErrorCode, SwitchboardError, type SwitchboardClient } from '../../shared/client';
import { ConnectionsList, type Connection } from '../../shared/protocol';
import { ambiguousConnectionMessage, matchConnection } from '../../shared/rules/connectionRef';
import type { Flag, Parsed } from './args';
import { connectOrStart } from './daemonControl';
import type { Output } from './output';

/** One command, e.g. `connections add`. */
export interface Command {
  /** The subcommand word; empty for a group that is a single command (`chat`). */
  name: string;
  summary: string;
  /** Usage after `switchboard `, e.g. `connections remove <connection> [--yes]`. */
  usage: string;
  /** More help text, shown by `--help`. */
  details?: string;
  flags: Flag[];
  /** Resolves to the exit code. */
  run(ctx: CliContext, parsed: Parsed): Promise<number>;
}

/** A command group, e.g. `connections` with its subcommands. */
export interface Group {
  name: string;
  summary: string;
  commands: Command[];
  /** The subcommand run when none is named (`switchboard prices` = `prices list`). */
  default?: string;
}

/** What the CLI says after starting a daemon on its own: it keeps running, and how to stop it. */
export function startedNote(home: string, pid: number): string {
  const quoted = /^[\w@%+=:,./-]+$/.test(home) ? home : `'${home.replace(/'/g, `'\\''`)}'`;
  return (
    `Started a Switchboard daemon in the background (pid ${pid}, home ${home}); it keeps running after this command.\n` +
    `Stop it with: switchboard daemon stop --home ${quoted}`
  );
}

export class CliContext {
  private opened: Promise<SwitchboardClient> | undefined;
  private readonly interrupts = new AbortController();
  /** Set by a command that cleans up on Ctrl+C itself (chat); otherwise Ctrl+C exits 130 at once. */
  handlesInterrupt = false;

  constructor(
    readonly home: string,
    readonly out: Output,
  ) {}

  /** Aborted on Ctrl+C. */
  get signal(): AbortSignal {
    return this.interrupts.signal;
  }

  /** Called by the entry point on SIGINT; false when the command does not handle it. */
  interrupt(): boolean {
    this.interrupts.abort();
    return this.handlesInterrupt;
  }

  /**
   * The client, connecting on first use and starting the daemon if none runs. A started daemon
   * outlives this command, so stderr says so: its pid, its home, and the command that stops it.
   */
  client(): Promise<SwitchboardClient> {
    this.opened ??= connectOrStart(this.home, (info) => this.out.note(startedNote(this.home, info.pid)));
    return this.opened;
  }

  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    if (!opened) return;
    try {
      await (await opened).close();
    } catch {
      // never connected
    }
  }

  /** All connections. */
  async connections(): Promise<Connection[]> {
    const client = await this.client();
    return (await client.request(ConnectionsList)).connections;
  }

  /**
   * A connection by id, or by name without regard to case (the one rule of
   * shared/rules/connectionRef.ts). Fails with CONNECTION_NOT_FOUND (exit 4) listing what
   * exists, or with VALIDATION when the text is one connection's id and another's name.
   */
  async connection(ref: string): Promise<Connection> {
    return (await this.connectionMatch(ref)).connection;
  }

  /** {@link connection}, and whether `ref` matched its id or its name (for commands that say so). */
  async connectionMatch(ref: string): Promise<{ connection: Connection; matchedBy: 'id' | 'name' }> {
    const all = await this.connections();
    const match = matchConnection(ref, all);
    if (match.kind === 'id' || match.kind === 'name') return { connection: match.connection, matchedBy: match.kind };
    if (match.kind === 'ambiguous') {
      const { message, hint } = ambiguousConnectionMessage(ref, match.byId, match.byName);
      throw new SwitchboardError(ErrorCode.VALIDATION, message, { hint, field: 'connection' });
    }
    const names = all.map((c) => `"${c.name}"`).join(', ');
    throw new SwitchboardError(ErrorCode.CONNECTION_NOT_FOUND, `No connection is named "${ref}" or has that id.`, {
      hint:
        all.length === 0
          ? 'There are no connections yet: add one with `switchboard connections add` or `switchboard import-env`.'
          : `Known connections: ${names}. See \`switchboard connections list\`.`,
    });
  }
}
