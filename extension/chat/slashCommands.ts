/**
 * Slash commands typed at the start of a message: `/explain`, `/fix`, `/tests` turn the code in
 * context (the attached code, else the editor's selection or file) into a prompt; `/ask <connection>`
 * sends one message to another connection, leaving the chat's own as it is. Pure: ChatHost gathers
 * the context and sends.
 */
import { CHAT_SLASH_COMMANDS, type ChatConnectionOption } from '../../shared/webview';

/** The commands, as the page suggests them after `/`. */
export const SLASH_COMMANDS = CHAT_SLASH_COMMANDS;

/** What the prompt of a code command asks, before whatever the person typed after it. */
export const CODE_PROMPTS = {
  explain: 'Explain what this code does, step by step, and point out anything surprising or risky.',
  fix: 'Fix the problems in this code. Show the corrected code, then say briefly what was wrong.',
  tests:
    'Write unit tests for this code, with the test framework this project already uses. Cover the edge cases and the failure paths.',
} as const;

export type CodeCommand = keyof typeof CODE_PROMPTS;

export type SlashCommand =
  /** Build the prompt from `CODE_PROMPTS[command]` and `extra`, with the code in context. */
  | { kind: 'code'; command: CodeCommand; extra: string }
  /** Send `text` to `connectionId` (once). */
  | { kind: 'ask'; connectionId: string; connectionName: string; text: string }
  /** Not sendable: the reason, in the person's words. */
  | { kind: 'invalid'; message: string; hint: string };

const LIST = SLASH_COMMANDS.map((c) => c.usage).join(', ');

/**
 * The command a message starts with, or undefined for a plain message. Only `/word` at the very
 * start counts (a path such as `/usr/bin is missing` does not).
 */
export function parseSlash(text: string, connections: readonly ChatConnectionOption[]): SlashCommand | undefined {
  const m = /^\/([a-zA-Z]+)(?=\s|$)\s*([\s\S]*)$/.exec(text.trim());
  if (!m) return undefined;
  const name = m[1]!.toLowerCase();
  const rest = m[2]!.trim();
  if (name === 'explain' || name === 'fix' || name === 'tests') return { kind: 'code', command: name, extra: rest };
  if (name === 'ask') return parseAsk(rest, connections);
  return {
    kind: 'invalid',
    message: `There is no command /${m[1]}.`,
    hint: `Commands: ${LIST}. To send text that starts with a slash, put a space before it.`,
  };
}

/** `/ask <connection> <question>`: the connection by name (the longest that matches, any case, quotes allowed). */
function parseAsk(rest: string, connections: readonly ChatConnectionOption[]): SlashCommand {
  const usage = {
    hint: 'Type /ask, the connection\'s name, then your question, e.g. "/ask Claude why does this fail?".',
  };
  if (rest === '') return { kind: 'invalid', message: 'Say which connection to ask.', ...usage };
  const quoted = /^"([^"]+)"\s*([\s\S]*)$/.exec(rest);
  const lower = rest.toLowerCase();
  const match = quoted
    ? connections.find((c) => c.name.toLowerCase() === quoted[1]!.toLowerCase())
    : [...connections]
        .sort((a, b) => b.name.length - a.name.length)
        .find((c) => lower.startsWith(c.name.toLowerCase()) && /^(\s|$)/.test(rest.slice(c.name.length)));
  if (!match) {
    const names = connections.map((c) => c.name).join(', ') || 'none yet';
    return {
      kind: 'invalid',
      message: `No connection is named like the start of "${rest.slice(0, 40)}".`,
      hint: `Connections: ${names}.`,
    };
  }
  const text = (quoted ? quoted[2]! : rest.slice(match.name.length)).trim();
  if (text === '') return { kind: 'invalid', message: `Type the question for ${match.name} after its name.`, ...usage };
  return { kind: 'ask', connectionId: match.id, connectionName: match.name, text };
}

/** The prompt of a code command: what it asks, then what the person added. */
export function codePrompt(command: CodeCommand, extra: string): string {
  return extra === '' ? CODE_PROMPTS[command] : `${CODE_PROMPTS[command]}\n\n${extra}`;
}
