/**
 * The last word on text the extension shows a person (chat errors, notifications, the status bar,
 * the tree, the manager): what the daemon, the shared client or the transport wrote for a terminal or
 * a log is said again in the words of someone using VS Code. No `npm start` (the extension starts the
 * daemon itself), no WebSocket close codes, no protocol method names, no error codes such as
 * `RATE_LIMITED`: the code still travels in the data (`code`), for the actions it decides. Pure.
 */

/** Error codes as words, for a code that slipped into a sentence. */
const CODE_WORDS: Record<string, string> = {
  RATE_LIMITED: 'rate-limited',
  BUDGET_EXCEEDED: 'over its budget',
  INVALID_API_KEY: 'key rejected',
  SECRET_MISSING: 'key missing',
  UNREACHABLE: 'unreachable',
  TIMEOUT: 'timed out',
  UPSTREAM_ERROR: 'failed upstream',
  MODEL_NOT_FOUND: 'model not found',
  MODEL_NOT_ALLOWED: 'model not allowed',
  NO_CONNECTION: 'no connection',
  CONNECTION_NOT_FOUND: 'connection not found',
  DUPLICATE_NAME: 'name taken',
  VALIDATION: 'not valid',
  FORBIDDEN: 'refused',
  INCOMPLETE: 'cut short',
  CANCELLED: 'stopped',
  DAEMON_UNAVAILABLE: 'daemon not reachable',
};

/** The protocol's method names (`chat/stream`, `connections/test`), as they appear in client messages. */
const METHOD =
  /\b(?:chat|connections|models|usage|secrets|daemon|events|prices|providers|tokens|audit|settings|modelFacts)\/[a-zA-Z]+\b/g;

const REWRITES: Array<[RegExp, string | ((...m: string[]) => string)]> = [
  // The shared client's START_HINT is for a terminal; in VS Code the command restarts the daemon.
  [/Start it with `npm start` or `switchboard daemon start`\./g, 'Run "Switchboard: Restart Daemon".'],
  [/`?npm start`?/g, '"Switchboard: Restart Daemon"'],
  // A client timeout names the method and counts milliseconds.
  [
    /did not answer (\S+\/\S+) within (\d+) ms/g,
    (_all, _method, ms) => `did not answer within ${Math.round(Number(ms) / 1000)} s`,
  ],
  [/, or pass a longer timeoutMs/g, ''],
  // A WebSocket close code says nothing to a person: "(code 1006)", "(code 1006, reason)".
  [/ ?\(code 1\d{3}(?:, [^)]*)?\)/g, ''],
  [/\bcode 1\d{3}\b/g, 'closed'],
];

/** `text` in a person's words (see above); text that needs no rewording comes back as it was. */
export function forPeople(text: string): string {
  let out = text;
  for (const [pattern, replacement] of REWRITES) out = out.replace(pattern, replacement as string);
  out = out.replace(METHOD, 'the request');
  return out.replace(/\b[A-Z]+(?:_[A-Z]+)+\b/g, (code) => CODE_WORDS[code] ?? code);
}

/** Internal words no text shown to a person may hold; tests scan rendered UI text for them. */
export const INTERNAL_WORDS: readonly RegExp[] = [
  /npm start/,
  /\bcode 1\d{3}\b/,
  new RegExp(METHOD.source),
  new RegExp(
    `\\b(?:${Object.keys(CODE_WORDS)
      .filter((c) => c.includes('_'))
      .join('|')})\\b`,
  ),
];
