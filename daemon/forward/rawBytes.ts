/**
 * Reading JSON and event-stream bytes where they lie, shared by the taps and the body splice: the
 * small checks each would otherwise write again.
 */

/** `bytes` is at `b[at…]` (a JS loop: the keys and lines compared are short, and a native call costs more). */
export function bytesAt(b: Buffer, at: number, bytes: Buffer): boolean {
  const len = bytes.length;
  if (at + len > b.length) return false;
  for (let i = 0; i < len; i++) if (b[at + i] !== bytes[i]) return false;
  return true;
}

/** Past the JSON whitespace (space, tab, newline, carriage return) at `i`. */
export function skipJsonSpace(b: Buffer, i: number): number {
  for (;;) {
    const c = b[i];
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else return i;
  }
}
