/**
 * `switchboard`: the command-line client of the Switchboard daemon. Parses the command, runs it
 * with a context (home, output, client), and turns the outcome into an exit code (see EXIT_HELP).
 */
import * as path from 'node:path';
import { defaultHome } from '../../shared/client';
import { explicitHome, HomeError } from '../home/paths';
import { DAEMON_VERSION } from '../version';
import { bool, parseCommandArgs, refuseKeyFlags, splitCommand, str, UsageError } from './args';
import { auditGroup } from './commands/audit';
import { chatGroup } from './commands/chat';
import { connectionsGroup } from './commands/connections';
import { daemonGroup } from './commands/daemon';
import { importEnvGroup } from './commands/importEnv';
import { keyGroup } from './commands/key';
import { modelFactsGroup } from './commands/modelFacts';
import { modelsGroup } from './commands/models';
import { pricesGroup } from './commands/prices';
import { providersGroup } from './commands/providers';
import { tokensGroup } from './commands/tokens';
import { exportGroup, importGroup } from './commands/transfer';
import { usageGroup } from './commands/usage';
import { CliContext, type Command, type Group } from './context';
import { EXIT, exitCodeFor } from './exitCodes';
import { commandHelp, groupHelp, mainHelp } from './help';
import { Output } from './output';

export const GROUPS: Group[] = [
  daemonGroup,
  connectionsGroup,
  providersGroup,
  modelsGroup,
  keyGroup,
  chatGroup,
  importEnvGroup,
  usageGroup,
  auditGroup,
  pricesGroup,
  modelFactsGroup,
  tokensGroup,
  exportGroup,
  importGroup,
];

const isSingle = (g: Group) => g.commands.length === 1 && g.commands[0]!.name === '';

/** The command named by argv and the words left for its parser; help and version are answered here. */
function select(argv: string[]): { command: Command; rest: string[] } | { text: string; code: number } {
  const {
    group: groupName,
    sub,
    rest,
  } = splitCommand(argv, (name) => GROUPS.some((g) => g.name === name && !isSingle(g)));
  if (groupName === undefined) {
    const { values } = parseCommandArgs(rest, []);
    if (bool(values, 'version')) return { text: `${DAEMON_VERSION}\n`, code: EXIT.OK };
    if (bool(values, 'help')) return { text: mainHelp(GROUPS, DAEMON_VERSION), code: EXIT.OK };
    throw new UsageError('No command given.', 'Run `switchboard --help` to see the commands.');
  }
  // `switchboard help [<command> [<sub>]]` is `switchboard [<command> [<sub>]] --help`.
  if (groupName === 'help') {
    if (!rest.some((w) => !w.startsWith('-'))) return { text: mainHelp(GROUPS, DAEMON_VERSION), code: EXIT.OK };
    return select([...rest, '--help']);
  }
  const group = GROUPS.find((g) => g.name === groupName);
  if (!group)
    throw new UsageError(
      `Unknown command "${groupName.slice(0, 40)}".`,
      `Commands: ${GROUPS.map((g) => g.name).join(', ')}. Run \`switchboard --help\`.`,
    );
  if (isSingle(group)) return { command: group.commands[0]!, rest };
  const fallback = group.default === undefined ? undefined : group.commands.find((c) => c.name === group.default);
  if (fallback && (sub === undefined || !group.commands.some((c) => c.name === sub))) {
    // No subcommand: the group's default runs with every word after the group (a flag's value is not a subcommand).
    const all = splitCommand(argv, () => false).rest;
    if (sub === undefined && all.some((a) => a === '--help' || a === '-h'))
      return { text: groupHelp(group), code: EXIT.OK };
    // A word not after a flag names a subcommand (`prices lst`): a typo, not a flag's value for the default.
    if (sub !== undefined && !all[all.indexOf(sub) - 1]?.startsWith('-')) throw unknownSub(group, sub);
    return { command: fallback, rest: all };
  }
  if (sub === undefined) {
    const { values } = parseCommandArgs(rest, []);
    if (bool(values, 'help')) return { text: groupHelp(group), code: EXIT.OK };
    throw new UsageError(
      `"${group.name}" needs a command: ${group.commands.map((c) => c.name).join(', ')}.`,
      `Run \`switchboard ${group.name} --help\`.`,
    );
  }
  const command = group.commands.find((c) => c.name === sub);
  if (!command) throw unknownSub(group, sub);
  return { command, rest };
}

function unknownSub(group: Group, sub: string): UsageError {
  return new UsageError(
    `Unknown command "${group.name} ${sub.slice(0, 40)}".`,
    `"${group.name}" commands: ${group.commands.map((c) => c.name).join(', ')}.`,
  );
}

function groupOf(command: Command): Group {
  return GROUPS.find((g) => g.commands.includes(command))!;
}

export async function main(argv: string[]): Promise<number> {
  // Before anything is parsed: the output format for early errors, and no key flag gets further.
  const early = new Output(argv.includes('--json'));
  let selected: ReturnType<typeof select>;
  let parsed;
  try {
    refuseKeyFlags(argv);
    selected = select(argv);
    if ('text' in selected) {
      process.stdout.write(selected.text);
      return selected.code;
    }
    parsed = parseCommandArgs(selected.rest, selected.command.flags);
  } catch (error) {
    return fail(early, error);
  }
  const { command } = selected;
  if (bool(parsed.values, 'help')) {
    process.stdout.write(commandHelp(groupOf(command), command));
    return EXIT.OK;
  }
  if (bool(parsed.values, 'version')) {
    process.stdout.write(`${DAEMON_VERSION}\n`);
    return EXIT.OK;
  }
  const out = new Output(bool(parsed.values, 'json'));
  let home: string;
  try {
    home = cliHome(str(parsed.values, 'home'));
  } catch (error) {
    return fail(out, error);
  }
  const ctx = new CliContext(home, out);
  let interrupts = 0;
  const onSigint = () => {
    // A command that handles Ctrl+C (chat) cancels cleanly; a second Ctrl+C, or any other command, exits now.
    if (++interrupts > 1 || !ctx.interrupt()) {
      process.stderr.write('\n');
      process.exit(EXIT.INTERRUPTED);
    }
  };
  process.on('SIGINT', onSigint);
  try {
    return await command.run(ctx, parsed);
  } catch (error) {
    return fail(out, error);
  } finally {
    process.off('SIGINT', onSigint);
    await ctx.close();
  }
}

/**
 * Reports a failure and returns its exit code. The code is set as `process.exitCode` before anything
 * is written, so if the reader has gone (EPIPE, below) the process still exits with it, not 0.
 */
function fail(out: Output, error: unknown): number {
  const code = exitCodeFor(error);
  process.exitCode = code;
  out.error(error);
  return code;
}

/**
 * The home: `--home` (an empty one is refused: it would make the working directory the home), else
 * `$SWITCHBOARD_HOME` (blank counts as unset, as everywhere), else the platform's default.
 */
function cliHome(flag: string | undefined): string {
  if (flag === undefined) return path.resolve(process.env.SWITCHBOARD_HOME?.trim() || defaultHome());
  try {
    return explicitHome(flag);
  } catch (error) {
    if (error instanceof HomeError) throw new UsageError(`--home: ${error.message}`, error.hint);
    throw error;
  }
}

/** Exits once stdout and stderr have flushed, so a piped answer is never cut short. */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

if (require.main === module) {
  // A reader that goes away (`switchboard chat … | head -1`) is not an error of ours: exit with the
  // outcome known so far (0 while streaming an answer, the failure's code once one was reported).
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.OK);
      throw error;
    });
  }
  main(process.argv.slice(2)).then(exit, (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    exit(EXIT.FAILED);
  });
}
