/**
 * Why a connection's models could not be listed, short enough for a quick pick's placeholder (a
 * provider's whole error, with its JSON and hint, does not fit there and says nothing more to a person
 * choosing a model): a phrase per error code, else the message's first sentence, cut to a line.
 */
import { DaemonUnavailableError } from '../../shared/client/errors';
import type { ErrorCode } from '../../shared/errors';

/** Longest reason shown; longer first sentences are cut at a word. */
const MAX_REASON = 80;

/** Each phrase completes "Could not list the models of <connection>: …". */
const REASONS: { readonly [C in ErrorCode]?: string } = {
  INVALID_API_KEY: 'its key was refused',
  SECRET_MISSING: 'it has no key stored',
  UNAUTHORIZED: 'its key was refused',
  FORBIDDEN: 'its key may not list models',
  RATE_LIMITED: 'the provider is limiting requests',
  BUDGET_EXCEEDED: 'its budget is spent',
  UNREACHABLE: 'the provider could not be reached',
  TIMEOUT: 'the provider did not answer in time',
  UPSTREAM_ERROR: 'the provider answered with an error',
  CONNECTION_NOT_FOUND: 'the connection no longer exists',
};

/** A short reason, in the person's words, for a failed `models/list` (or the error of a stale list). */
export function modelListReason(error: unknown): string {
  if (error instanceof DaemonUnavailableError) return 'the Switchboard daemon is not running';
  const e = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
  const known = typeof e.code === 'string' ? (REASONS as Record<string, string | undefined>)[e.code] : undefined;
  if (known) return known;
  const message = typeof e.message === 'string' ? e.message : typeof error === 'string' ? error : '';
  return firstSentence(message) || 'an unexpected error (see "Switchboard: Show Daemon Log")';
}

function firstSentence(text: string): string {
  // Up to the first sentence end, a line break or the start of embedded JSON.
  const sentence = (text.split(/(?<=[.!?])\s|\n|\s[{[]/)[0] ?? '').trim().replace(/[.!?]$/, '');
  if (sentence.length <= MAX_REASON) return lowerFirst(sentence);
  const cut = sentence.slice(0, MAX_REASON);
  return `${lowerFirst(cut.slice(0, Math.max(cut.lastIndexOf(' '), MAX_REASON / 2)))}…`;
}

/** "Provider said no" reads as part of the sentence it completes; an acronym ("HTTP 500") stays. */
function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}
