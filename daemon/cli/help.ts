/** `--help` text, built from the command declarations so it cannot drift from the parser. */
import { flagHelp, GLOBAL_FLAGS } from './args';
import type { Command, Group } from './context';
import { EXIT_HELP } from './exitCodes';

const title = (c: Command, g: Group) => (c.name ? `${g.name} ${c.name}` : g.name);

/** Synopses longer than this put their summary on the next line, so one long usage does not widen every row. */
const SYNOPSIS_WIDTH = 40;

/**
 * A usage line without its optional `[…]` parts: the command words, its arguments and its required
 * flags, whole (a `(… | …)` group is never cut in half).
 */
export function synopsis(usage: string): string {
  let depth = 0;
  let kept = '';
  for (const ch of usage) {
    if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if (depth === 0) kept += ch;
  }
  return kept.replace(/\s+/g, ' ').trim();
}

export function mainHelp(groups: Group[], version: string): string {
  const rows = groups.flatMap((g) => g.commands.map((c) => [synopsis(c.usage), c.summary] as const));
  const width = Math.max(...rows.map(([u]) => u.length).filter((n) => n <= SYNOPSIS_WIDTH));
  const row = ([u, s]: readonly [string, string]) =>
    u.length <= width ? `  ${u.padEnd(width)}  ${s}` : `  ${u}\n  ${''.padEnd(width)}  ${s}`;
  return `switchboard ${version}: every AI API connection in one place, through the local Switchboard daemon.

Usage: switchboard <command> [options]
       switchboard help [<command>]

Commands:
${rows.map(row).join('\n')}

Global options:
${flagHelp(GLOBAL_FLAGS)}

Connections are named by id or by name (case-insensitive); an exact id wins, and a text that is
one connection's id and another's name is refused. A name cannot look like an id (conn_ + hex).
--home "" is an error; a home that cannot be created is refused at once. Keys (8 characters or
more) and header values must be Latin-1 text; model ids hold no spaces or control characters.
Commands other than \`daemon\` start the
daemon when none runs; it keeps running after the command, and stderr says so with its pid, its
home and how to stop it (\`switchboard daemon stop\`).
Errors print "error:" and "hint:" lines on stderr; with --json, also {"error": {code, message,
hint, …}} on stdout, with the daemon's details (retryAfterMs, limit, skipped, field, …).
Keys are never read from the command line: use the hidden prompt, --key-stdin, or --key-env.

${EXIT_HELP}

Run \`switchboard help <command>\` or \`switchboard <command> --help\` for a command's options.
`;
}

export function groupHelp(group: Group): string {
  const width = Math.max(...group.commands.map((c) => title(c, group).length));
  return `switchboard ${group.name}: ${group.summary}

Commands:
${group.commands.map((c) => `  ${title(c, group).padEnd(width)}  ${c.summary}`).join('\n')}

Run \`switchboard ${group.name} <command> --help\` for a command's options.
`;
}

export function commandHelp(group: Group, command: Command): string {
  return `Usage: switchboard ${command.usage}

${command.summary}.${command.details ? `\n\n${command.details}` : ''}
${command.flags.length > 0 ? `\nOptions:\n${flagHelp(command.flags)}\n` : ''}
Global options:
${flagHelp(GLOBAL_FLAGS)}
`;
}
