/**
 * The environment a daemon is started with. `NODE_DEBUG=http` (or `net`, `tls`, `undici`, `fetch`,
 * `*`…) makes Node print every outgoing request's options — its headers, so the provider keys — to
 * stderr, which lands in the daemon's output file. Whoever starts the daemon (the CLI, the
 * extension) passes {@link cleanDaemonEnv}; the daemon also strips them itself at start, for
 * people who start it by hand.
 */

/** NODE_DEBUG sections whose output carries request or response headers. */
export const LEAKY_DEBUG_SECTIONS = ['http', 'http2', 'https', 'net', 'tls', 'undici', 'fetch'] as const;

/** Debug variables that are removed outright: native debug output cannot be filtered. */
const NATIVE_DEBUG = 'NODE_DEBUG_NATIVE';

/**
 * Splits a NODE_DEBUG value into the sections kept and the ones removed because they match a
 * leaky section (Node matches case-insensitively and `*` is a wildcard, so `HTTP*` and `*` count).
 */
export function splitDebugSections(value: string | undefined): { kept: string[]; removed: string[] } {
  const kept: string[] = [];
  const removed: string[] = [];
  for (const raw of (value ?? '').split(',')) {
    const section = raw.trim();
    if (!section) continue;
    const pattern = new RegExp(`^${section.replace(/[|\\{}()[\]^$+?.]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
    (LEAKY_DEBUG_SECTIONS.some((name) => pattern.test(name)) ? removed : kept).push(section);
  }
  return { kept, removed };
}

/** A copy of `env` without the debug sections that print keys, and without NODE_DEBUG_NATIVE. */
export function cleanDaemonEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  stripLeakyDebug(out);
  return out;
}

/**
 * Removes the leaky debug sections from `env` in place; returns what was removed
 * (`NODE_DEBUG=…` sections and `NODE_DEBUG_NATIVE` as a whole), for a log line.
 */
export function stripLeakyDebug(env: NodeJS.ProcessEnv): string[] {
  const removed: string[] = [];
  if (env.NODE_DEBUG !== undefined) {
    const split = splitDebugSections(env.NODE_DEBUG);
    if (split.removed.length > 0) {
      removed.push(...split.removed.map((s) => `NODE_DEBUG=${s}`));
      if (split.kept.length > 0) env.NODE_DEBUG = split.kept.join(',');
      else delete env.NODE_DEBUG;
    }
  }
  if (env[NATIVE_DEBUG] !== undefined) {
    removed.push(`${NATIVE_DEBUG}=${env[NATIVE_DEBUG]}`);
    delete env[NATIVE_DEBUG];
  }
  return removed;
}
