/**
 * A one-shot callback server on 127.0.0.1 for browser sign-ins (as `gh auth login` does): it listens
 * on a free port, takes the first request to its path, answers the browser with a short page, and
 * closes. It never listens beyond loopback, and it closes on every way out (answer, timeout, cancel),
 * so a sign-in that ends leaves no port open.
 */
import { createServer, type Server } from 'node:http';
import { ErrorCode, SwitchboardError } from '../errors';

/** A listening callback server. */
export interface LoopbackCallback {
  /** Where the browser is sent back, e.g. `http://127.0.0.1:53121/callback`. */
  readonly url: string;
  /** Resolves with the full address the browser came back to; rejects on timeout or cancel. */
  readonly address: Promise<string>;
  /** Stops listening (idempotent). */
  close(): void;
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family:system-ui,sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body>`;

/** Starts the server; `timeoutMs` bounds the wait, `signal` cancels it. */
export async function listenForCallback(options: {
  path?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  doneText?: string;
}): Promise<LoopbackCallback> {
  const path = options.path ?? '/callback';
  let settle!: { resolve(address: string): void; reject(error: Error): void };
  const address = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  // The caller may stop waiting before anything arrives: an unobserved rejection must not crash it.
  address.catch(() => undefined);
  let server: Server | undefined;
  let timer: NodeJS.Timeout | undefined;
  const close = () => {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    server?.close();
    server?.closeAllConnections?.();
    server = undefined;
  };
  const onAbort = () => {
    close();
    settle.reject(
      new SwitchboardError(ErrorCode.CANCELLED, 'The sign-in was cancelled.', {
        hint: 'Nothing was stored. Sign in again when you are ready.',
      }),
    );
  };
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== path) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'close',
    });
    res.end(PAGE('Switchboard', options.doneText ?? 'Signed in: you can close this tab and go back to Switchboard.'));
    settle.resolve(`http://127.0.0.1${req.url ?? '/'}`);
    close();
  });
  await new Promise<void>((resolve, reject) => {
    server!.once('error', reject);
    server!.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  timer = setTimeout(() => {
    close();
    const minutes = Math.round(options.timeoutMs / 60_000);
    settle.reject(
      new SwitchboardError(
        ErrorCode.TIMEOUT,
        `No answer from the browser in ${minutes >= 1 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${Math.round(options.timeoutMs / 1000)} s`}: the sign-in was given up.`,
        {
          hint: 'Nothing was stored. Sign in again and approve it in the browser in time.',
        },
      ),
    );
  }, options.timeoutMs);
  timer.unref?.();
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  return { url: `http://127.0.0.1:${port}${path}`, address, close };
}
