/**
 * Abort callbacks that come and go per request on a long-lived signal, at the cost of an array
 * push and a removal.
 *
 * The hot paths listen on signals that outlive one request: the stream registry reuses its
 * controllers (streamRegistry.ts), and a WebSocket session's `closed` signal sees every stream of
 * that session. On Node 20 an `addEventListener`/`removeEventListener` pair on an AbortSignal costs
 * about 11 µs (its listener hooks reach `super` through V8's runtime, and emptying a type's
 * listeners drops and remakes an entry of its map), 3% of a forwarded request at concurrency 256
 * in perf. Here a signal gets one listener for its whole life, on first use, which runs the
 * callbacks registered at the time it fires, in order.
 *
 * As with a listener added after the fact, a callback registered on an aborted signal is never run:
 * callers check `signal.aborted` first.
 */
import { getEventListeners } from 'node:events';

interface Hooks {
  readonly fns: Array<() => void>;
  readonly dispatch: () => void;
}

const bySignal = new WeakMap<AbortSignal, Hooks>();

function hooksOf(signal: AbortSignal): Hooks {
  let hooks = bySignal.get(signal);
  if (hooks === undefined) {
    const fns: Array<() => void> = [];
    const dispatch = (): void => {
      // A copy: a callback may remove itself or another.
      for (const fn of fns.splice(0)) fn();
    };
    hooks = { fns, dispatch };
    bySignal.set(signal, hooks);
    signal.addEventListener('abort', dispatch, { once: true });
  }
  return hooks;
}

/** Runs `fn` when `signal` aborts; the returned function unregisters it (a second call does nothing). */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  const { fns } = hooksOf(signal);
  fns.push(fn);
  return () => {
    const at = fns.lastIndexOf(fn);
    if (at !== -1) fns.splice(at, 1);
  };
}

/**
 * Whether anything still waits on `signal`'s abort: a callback registered here, or a listener
 * added to the signal directly (this module's own one listener does not count).
 */
export function waitedOn(signal: AbortSignal): boolean {
  const listeners = getEventListeners(signal, 'abort');
  const hooks = bySignal.get(signal);
  if (hooks === undefined) return listeners.length > 0;
  return hooks.fns.length > 0 || listeners.some((l) => l !== hooks.dispatch);
}
