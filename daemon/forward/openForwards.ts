/**
 * How many forwarded requests are open: sent upstream, their answer not yet relayed to its end. The
 * relay sends a first token ahead of the rest of its read only when no other is open (relayPump.ts):
 * with the daemon otherwise idle the extra write costs no one anything, under load it costs everyone.
 */
let open = 0;

/** Counts a forwarded request as open until the returned function is called (once is enough; more are ignored). */
export function openForward(): () => void {
  open++;
  let closed = false;
  return () => {
    if (closed) return;
    closed = true;
    open--;
  };
}

/** Whether forwarded requests other than the caller's own are open. */
export function othersOpen(): boolean {
  return open > 1;
}
