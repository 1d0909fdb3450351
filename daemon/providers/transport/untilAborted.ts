/**
 * Settles with `promise`, or rejects as soon as `signal` aborts.
 *
 * Why: openai@6 sleeps between retries without watching the request's signal (its `sleep(ms)` takes
 * none), so a cancel during a retry wait would only be seen when the wait ends. The SDK promise is
 * left to settle on its own (it sees the aborted signal before its next attempt and rejects with
 * APIUserAbortError, which is swallowed here).
 */
export class AbortedByCaller extends Error {
  override readonly name = 'AbortedByCaller';
}

export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(new AbortedByCaller('aborted'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(new AbortedByCaller('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
