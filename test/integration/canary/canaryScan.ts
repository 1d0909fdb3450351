/**
 * Canary keys and the scanner that looks for them. A canary is a key nobody else would ever write;
 * finding it — or any 12-character piece of it — in something the daemon produced is a leak. The
 * key hint (`…` and the last four characters) is shorter than any piece looked for, so it is allowed.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Length of the smallest piece of a canary that counts as a leak. */
export const FRAGMENT = 12;

/** `prefix` + 24 random letters and digits. */
export function canary(prefix: string): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return prefix + [...randomBytes(24)].map((b) => alphabet[b % alphabet.length]).join('');
}

export interface Leak {
  /** Where it was found (a file, "stdout", "frame 12", …). */
  where: string;
  /** Which canary. */
  canary: string;
  /** The piece that was found, and how it was encoded. */
  found: string;
  encoding: 'text' | 'base64' | 'hex' | 'url';
  /** A little of the text around it, to debug the leak. */
  context: string;
}

/** Every piece of `canary` of FRAGMENT characters (its prefixes and suffixes among them). */
export function fragments(secret: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i + FRAGMENT <= secret.length; i++) out.add(secret.slice(i, i + FRAGMENT));
  return [...out];
}

/** The leaks of any canary in one text. */
export function findLeaks(where: string, text: string, canaries: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  for (const secret of canaries) {
    const hit = fragments(secret).find((f) => text.includes(f));
    if (hit !== undefined)
      leaks.push({ where, canary: secret, found: hit, encoding: 'text', context: around(text, hit) });
    // Whole-key encodings: a key base64'd, hex'd or URL-encoded into a file is still a plaintext key.
    const encoded: Array<[Leak['encoding'], string]> = [
      ['base64', Buffer.from(secret).toString('base64').slice(0, 24)],
      ['hex', Buffer.from(secret).toString('hex')],
      ['url', encodeURIComponent(secret)],
    ];
    for (const [encoding, form] of encoded) {
      if (form !== secret && text.includes(form))
        leaks.push({ where, canary: secret, found: form, encoding, context: around(text, form) });
    }
  }
  return leaks;
}

/** Every regular file under `dir`, recursively (sockets and other special files are skipped). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isDirectory()) out.push(...filesUnder(path));
    else if (st.isFile()) out.push(path);
  }
  return out;
}

/** The leaks in every file under `dir`, read as bytes (latin1 keeps every byte, so binary files are scanned too). */
export function scanDirectory(dir: string, canaries: readonly string[]): Leak[] {
  return filesUnder(dir).flatMap((file) => {
    const bytes = readFileSync(file);
    return [
      ...findLeaks(file, bytes.toString('latin1'), canaries),
      ...findLeaks(`${file} (utf16le)`, bytes.toString('utf16le'), canaries),
    ];
  });
}

function around(text: string, hit: string): string {
  const at = text.indexOf(hit);
  return text.slice(Math.max(0, at - 60), at + hit.length + 60);
}
