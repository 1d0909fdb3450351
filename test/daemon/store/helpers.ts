/** Shared fixtures of the store and key tests: a temp home, a capturing logger, injectable failures. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type Logger } from '../../../daemon/log';
import { nodeAtomicFs, type AtomicFs } from '../../../daemon/store/atomicFile';

export async function tempDir(prefix = 'sb-store-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A real logger (so lines pass through the redactor) that keeps its lines. */
export function captureLog(): { log: Logger; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', write: (line) => lines.push(line) });
  return { log, lines, text: () => lines.join('') };
}

export function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

/**
 * The real filesystem steps, with a switch to make the next temp-file writes fail (after writing half
 * of the data, as a full disk does) and a counter of the writes attempted.
 */
export function faultyFs(): {
  fs: Partial<AtomicFs>;
  failWrites: (on: boolean) => void;
  writes: () => number;
  delayMs: (ms: number) => void;
} {
  let fail = false;
  let count = 0;
  let delay = 0;
  const fs: Partial<AtomicFs> = {
    async writeTemp(path, data, mode) {
      count++;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (fail) {
        await nodeAtomicFs.writeTemp(
          path,
          typeof data === 'string' ? data.slice(0, Math.floor(data.length / 2)) : data.subarray(0, data.length / 2),
          mode,
        );
        throw enospc();
      }
      return nodeAtomicFs.writeTemp(path, data, mode);
    },
  };
  return { fs, failWrites: (on) => (fail = on), writes: () => count, delayMs: (ms) => (delay = ms) };
}
