/**
 * Fallback chains: which connections a request may move on to when its connection fails before the
 * first token, and on which failures. A chain is walked depth-first (a fallback's own fallbacks come
 * right after it) and never visits a connection twice, so `A → B → A` ends instead of looping.
 */
import { ErrorCode, type SwitchboardError } from '../../shared/errors';
import type { StoredConnection } from '../store/schema';

/**
 * Errors that say "this connection cannot answer right now" rather than "this request is wrong".
 * BUDGET_EXCEEDED is one: the connection's own spending cap is reached, and moving to the fallback
 * the user named (a cheaper or a local model, with its own budget checked in turn) is why they named it.
 */
const TRIGGERS = new Set<string>([
  ErrorCode.UNREACHABLE,
  ErrorCode.RATE_LIMITED,
  ErrorCode.TIMEOUT,
  ErrorCode.BUDGET_EXCEEDED,
]);

/** Whether a failure before the first token moves the request to the next fallback. Never on a bad key or a client error. */
export function isFallbackTrigger(error: SwitchboardError): boolean {
  // A tool token's spent budget holds on every connection: another one would be refused the same way.
  if (error.code === ErrorCode.BUDGET_EXCEEDED && error.data.source === 'token') return false;
  if (TRIGGERS.has(error.code)) return true;
  if (error.code !== ErrorCode.UPSTREAM_ERROR) return false;
  // A 5xx (or an overloaded upstream with no status); a 4xx the upstream blamed on the request is not retried elsewhere.
  const status = error.data.status;
  return typeof status !== 'number' || status >= 500;
}

/** One step of a chain: a connection and the model the chain's owner mapped for it (if any). */
export interface FallbackStep {
  stored: StoredConnection;
  model?: string;
}

/**
 * The fallbacks of `primary`, in the order they are tried. `lookup` returns undefined for a
 * connection that no longer exists (deleted since it was named), which is passed over.
 */
export function* fallbackChain(
  primary: StoredConnection,
  lookup: (id: string) => StoredConnection | undefined,
): Generator<FallbackStep> {
  const visited = new Set<string>([primary.id]);
  function* walk(owner: StoredConnection): Generator<FallbackStep> {
    for (const id of owner.fallbacks ?? []) {
      if (visited.has(id)) continue;
      visited.add(id);
      const next = lookup(id);
      if (!next) continue;
      const model = owner.fallbackModels?.[id];
      yield { stored: next, ...(model !== undefined && { model }) };
      yield* walk(next);
    }
  }
  yield* walk(primary);
}
