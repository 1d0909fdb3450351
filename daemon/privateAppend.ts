/**
 * Opening the daemon's append-only files (`daemon.log`, `audit.jsonl`) for writing without ever
 * following a symlink: a link planted in the home under one of those names would otherwise send
 * the daemon's lines (or bytes appended with its rights) to any file the link names. `O_NOFOLLOW`
 * makes the open fail with ELOOP instead. The file is created 0600, and an existing one is set to
 * 0600 through the open descriptor (never through the path, which could be swapped meanwhile).
 */
import { constants, openSync, closeSync, writeSync, fchmodSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Windows has no O_NOFOLLOW (its links need privileges to create); 0 keeps the flags valid there. */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
/** Append, create, never through a link. */
export const APPEND_NOFOLLOW = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW;
/** Read and append, create, never through a link. */
export const READ_APPEND_NOFOLLOW = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | NOFOLLOW;

/** Appends `text` to `file` (created 0600), refusing a symlink (throws ELOOP). */
export function appendPrivateSync(file: string, text: string): void {
  const fd = openSync(file, APPEND_NOFOLLOW, 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** Opens `file` to read and append (created 0600, set to 0600), refusing a symlink (rejects with ELOOP). */
export async function openPrivateAppend(file: string): Promise<FileHandle> {
  const handle = await open(file, READ_APPEND_NOFOLLOW, 0o600);
  try {
    await handle.chmod(0o600);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/** Appends `text` through a fresh no-follow descriptor. */
export async function appendPrivate(file: string, text: string): Promise<void> {
  const handle = await openPrivateAppend(file);
  try {
    await handle.appendFile(text);
  } finally {
    await handle.close();
  }
}
