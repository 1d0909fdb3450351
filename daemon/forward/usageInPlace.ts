/**
 * OpenAI's `usage` object read where it lies in a relayed event, without `JSON.parse`: the two
 * counts the ledger takes from it (`prompt_tokens`, `completion_tokens`, at its top level; the
 * nested details are stepped over). Every OpenAI stream the daemon forwards ends with one, and
 * parsing it built a dozen objects and looked every key up in V8's string table, per answer.
 *
 * The answer is the one `openaiUsage(JSON.parse(text))` gives (usageOf.ts): the last of a repeated
 * key wins, a count that is not a finite number reads as absent. Every value is checked as JSON.parse
 * checks it; what this reader does not take (an escaped key at the top level, nesting deeper than 16,
 * anything malformed) is {@link NOT_PLAIN}, and the caller parses the object then: an unusual object
 * costs a parse, never a count JSON.parse would not have given.
 */
import type { Usage } from '../../shared/protocol';
import { bytesAt, skipJsonSpace } from './rawBytes';

export const NOT_PLAIN = Symbol('not plain JSON');

const PROMPT = Buffer.from('prompt_tokens');
const COMPLETION = Buffer.from('completion_tokens');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

/** The usage in the object `b[start, end)` (`end` just past its closing brace), or NOT_PLAIN. */
export function openaiUsageInPlace(b: Buffer, start: number, end: number): Usage | undefined | typeof NOT_PLAIN {
  if (b[start] !== 123 /* { */) return NOT_PLAIN;
  let input: number | undefined;
  let output: number | undefined;
  let i = skipJsonSpace(b, start + 1);
  if (b[i] !== 125 /* } */) {
    for (;;) {
      if (b[i] !== 34 /* " */) return NOT_PLAIN;
      const keyStart = i + 1;
      const keyEnd = b.indexOf(34, keyStart);
      if (keyEnd === -1 || keyEnd >= end) return NOT_PLAIN;
      // An escaped key: JSON.parse knows what it says.
      for (let k = keyStart; k < keyEnd; k++) if (b[k] === 92 /* \ */ || b[k]! < 32) return NOT_PLAIN;
      i = skipJsonSpace(b, keyEnd + 1);
      if (b[i] !== 58 /* : */) return NOT_PLAIN;
      i = skipJsonSpace(b, i + 1);
      const valueStart = i;
      i = valueEnd(b, i, end, 0);
      if (i === -1) return NOT_PLAIN;
      const counted = keyIs(b, keyStart, keyEnd, PROMPT) ? 1 : keyIs(b, keyStart, keyEnd, COMPLETION) ? 2 : 0;
      if (counted !== 0) {
        // The last of a repeated key wins, as in JSON.parse; a value that is not a finite number reads as absent.
        const count = numberValue(b, valueStart, i);
        if (counted === 1) input = count;
        else output = count;
      }
      i = skipJsonSpace(b, i);
      if (b[i] !== 44 /* , */) break;
      i = skipJsonSpace(b, i + 1);
    }
  }
  if (b[i] !== 125 || i + 1 !== end) return NOT_PLAIN;
  return input === undefined && output === undefined
    ? undefined
    : { inputTokens: input ?? 0, outputTokens: output ?? 0 };
}

/** Nesting past this is handed to JSON.parse (usage details are one level deep). */
const MAX_DEPTH = 16;

/** Just past the JSON value that starts at `i`, checked as JSON.parse checks it; -1 when it is not one before `end`. */
function valueEnd(b: Buffer, i: number, end: number, depth: number): number {
  const c = b[i];
  if (c === 34) return stringEnd(b, i, end);
  if (c === 45 || (c !== undefined && c >= 48 && c <= 57)) return numberEnd(b, i);
  if (bytesAt(b, i, TRUE) || bytesAt(b, i, NULL)) return i + 4;
  if (bytesAt(b, i, FALSE)) return i + 5;
  if ((c !== 123 && c !== 91) || depth >= MAX_DEPTH) return -1;
  const object = c === 123;
  const close = object ? 125 : 93;
  i = skipJsonSpace(b, i + 1);
  if (b[i] === close) return i + 1;
  for (;;) {
    if (object) {
      if (b[i] !== 34) return -1;
      i = stringEnd(b, i, end);
      if (i === -1) return -1;
      i = skipJsonSpace(b, i);
      if (b[i] !== 58) return -1;
      i = skipJsonSpace(b, i + 1);
    }
    i = valueEnd(b, i, end, depth + 1);
    if (i === -1) return -1;
    i = skipJsonSpace(b, i);
    if (b[i] === close) return i + 1;
    if (b[i] !== 44) return -1;
    i = skipJsonSpace(b, i + 1);
  }
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 48 && c <= 57;

/** Just past the JSON number at `i` (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`), or -1. What follows is the caller's to check. */
function numberEnd(b: Buffer, i: number): number {
  let k = i;
  if (b[k] === 45 /* - */) k++;
  if (b[k] === 48 /* 0 */) k++;
  else if (isDigit(b[k])) while (isDigit(b[k])) k++;
  else return -1;
  if (b[k] === 46 /* . */) {
    if (!isDigit(b[++k])) return -1;
    while (isDigit(b[k])) k++;
  }
  if (b[k] === 101 || b[k] === 69 /* e E */) {
    k++;
    if (b[k] === 43 || b[k] === 45) k++;
    if (!isDigit(b[k])) return -1;
    while (isDigit(b[k])) k++;
  }
  return k;
}

/** The finite number `b[start, end)` is (a checked JSON value), or undefined when it is no number or not finite. */
function numberValue(b: Buffer, start: number, end: number): number | undefined {
  if (end - start <= 15) {
    // Plain digits, as OpenAI sends its counts: summed here without a string (exact: below 10^15).
    let n = 0;
    let k = start;
    for (; k < end && isDigit(b[k]); k++) n = n * 10 + b[k]! - 48;
    if (k === end && k > start) return n;
  }
  const c = b[start];
  if (c !== 45 && !isDigit(c)) return undefined;
  const n = Number(b.toString('latin1', start, end));
  return Number.isFinite(n) ? n : undefined;
}

function keyIs(b: Buffer, start: number, end: number, name: Buffer): boolean {
  return end - start === name.length && bytesAt(b, start, name);
}

/** Hex digits, for `\uXXXX`. */
const HEX = new Uint8Array(256);
for (const c of Buffer.from('0123456789abcdefABCDEF')) HEX[c] = 1;

/**
 * Just past the string that opens at `i`, its escapes checked as JSON.parse checks them; -1 when it
 * does not close before `end` or holds a raw control byte or a bad escape.
 */
function stringEnd(b: Buffer, i: number, end: number): number {
  for (let k = i + 1; k < end; k++) {
    const c = b[k]!;
    if (c === 34) return k + 1;
    if (c < 32) return -1;
    if (c !== 92) continue;
    const e = b[++k];
    if (e === 117 /* u */) {
      if (k + 4 >= end || !HEX[b[k + 1]!] || !HEX[b[k + 2]!] || !HEX[b[k + 3]!] || !HEX[b[k + 4]!]) return -1;
      k += 4;
    } else if (e !== 34 && e !== 92 && e !== 47 && e !== 98 && e !== 102 && e !== 110 && e !== 114 && e !== 116)
      return -1; // not one of " \ / b f n r t
  }
  return -1;
}
