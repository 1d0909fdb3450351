/**
 * What the openai adapter needs from one streamed chunk — `choices[0].delta.content` and
 * `choices[0].finish_reason` — read without building the whole object.
 *
 * Why: `JSON.parse` of every chunk (~300 bytes, a dozen fields nobody reads: id, model,
 * fingerprint, obfuscation padding…) was the largest single cost of relaying a stream. One regular
 * expression (compiled to native code by V8, so it walks the text several times faster than
 * JSON.parse builds it) both validates the chunk and captures those two strings; only a string
 * holding escapes is then decoded, by JSON.parse of exactly that quoted string.
 *
 * It is a fast path, never a second opinion. The expression accepts only valid JSON of the common
 * shape — an object whose `choices` is an empty array or one object, whose `delta` is an object
 * or null — where:
 * - `content` and `finish_reason` are strings or null, each at most once in its object;
 * - `reasoning_content`, `reasoning` and `refusal`, if present, are null (text there is a typed delta);
 * - `delta` and `finish_reason` are at most once in the choice, `choices` once in the chunk;
 * - there is no `error` key, and `usage` is null (the usage chunk, once per stream, is parsed);
 * - `choices` holds one choice (n = 1, as the daemon asks), and no key is written with escapes
 *   (one could spell `choices`);
 * - other values are primitives, except that the choice's other members may be objects of
 *   primitives or of such objects (Azure's `content_filter_results`).
 * Anything else (malformed JSON included) does not match, and the caller parses the chunk with
 * JSON.parse as before — so results are the same as JSON.parse's by construction.
 */

/** The facts of a chunk of the common shape. */
export interface ChunkFacts {
  /** `choices[0].delta.content`; undefined when absent or null. */
  content: string | undefined;
  /** `choices[0].finish_reason`; undefined when absent or null. */
  finishReason: string | undefined;
}

const WS = '[ \\t\\n\\r]*';
/** A JSON string, escapes validated as JSON.parse has them (unrolled: runs of plain characters between escapes). */
const STR = '"[^"\\\\\\x00-\\x1f]*(?:\\\\(?:["\\\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\\\\x00-\\x1f]*)*"';
/** A key: a string without escapes. */
const KEY = '"[^"\\\\\\x00-\\x1f]*"';
const NUM = '-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?';
const PRIM = `(?:${STR}|${NUM}|true|false|null)`;
/** `{ key: value, … }` with values matching `v`. */
const object = (v: string) => `\\{${WS}(?:${KEY}${WS}:${WS}${v}(?:${WS},${WS}${KEY}${WS}:${WS}${v})*)?${WS}\\}`;
/** A primitive or an object of primitives or of such objects (Azure's `content_filter_results`). */
const NESTED = `(?:${PRIM}|${object(`(?:${PRIM}|${object(PRIM)})`)})`;

/** A member whose key is none of `names`, its value matching `v`. */
const other = (names: string[], v: string) => `"(?!(?:${names.join('|')})")[^"\\\\\\x00-\\x1f]*"${WS}:${WS}${v}`;
/**
 * Zero or more members before / after a fixed one (each followed / preceded by a comma). A list
 * with no fixed member is written `before(m)` + one optional `m`, never `m` + `after(m)` beside
 * `before(m)`: that pair would try every split of a long list when the match fails (quadratic).
 */
const before = (m: string) => `(?:${m}${WS},${WS})*`;
const after = (m: string) => `(?:${WS},${WS}${m})*`;

/**
 * Other members of `delta`: primitives, but never a non-null reasoning or refusal (those are deltas
 * of their own, decoded by the slow path), and never tool calls (an array, so no primitive).
 */
const DSPECIAL = ['reasoning_content', 'reasoning', 'refusal'];
const DOTHER = `(?:"(?:${DSPECIAL.join('|')})"${WS}:${WS}null|${other(['content', ...DSPECIAL], PRIM)})`;
/** `delta`: an object with or without one `content`, or null; the content is captured. */
const DELTA = `"delta"${WS}:${WS}(?:\\{${WS}${before(DOTHER)}(?:"content"${WS}:${WS}(?:null|(${STR}))${after(DOTHER)}|${DOTHER})?${WS}\\}|null)`;
const FINISH = `"finish_reason"${WS}:${WS}(?:null|(${STR}))`;

const COTHER = other(['delta', 'finish_reason'], NESTED);
/** The one choice: delta (maybe) and finish_reason (maybe), in either order, among other members. */
const CHOICE =
  `\\{${WS}${before(COTHER)}(?:` +
  `${DELTA}${after(COTHER)}(?:${WS},${WS}${FINISH}${after(COTHER)})?` +
  `|${FINISH}${after(COTHER)}(?:${WS},${WS}${DELTA}${after(COTHER)})?` +
  `|${COTHER}` +
  `)?${WS}\\}`;

const TOTHER = `(?:"usage"${WS}:${WS}null|${other(['choices', 'usage', 'error'], PRIM)})`;
const CHOICES = `"choices"${WS}:${WS}\\[${WS}(?:${CHOICE})?${WS}\\]`;

/**
 * The whole chunk. Captures: 1 content, 2 finish_reason (delta first); 3 finish_reason, 4 content
 * (finish_reason first). They sit outside every repetition (a repeated group resets its captures
 * each round), and are numbered, not named (a `groups` object per match costs as much as the rest).
 */
export const COMMON_CHUNK = new RegExp(
  `^${WS}\\{${WS}${before(TOTHER)}(?:${CHOICES}${after(TOTHER)}|${TOTHER})?${WS}\\}${WS}$`,
);

/**
 * Reads a chunk of the common shape into `out` and returns true; false when `data` is anything
 * else (then parse it with JSON.parse).
 */
export function scanChunk(data: string, out: ChunkFacts): boolean {
  const m = COMMON_CHUNK.exec(data);
  if (m === null) return false;
  out.content = decode(m[1] ?? m[4]);
  out.finishReason = decode(m[2] ?? m[3]);
  return true;
}

/** A captured JSON string (quotes included) as its value. */
function decode(quoted: string | undefined): string | undefined {
  if (quoted === undefined) return undefined;
  return quoted.indexOf('\\') === -1 ? quoted.slice(1, -1) : (JSON.parse(quoted) as string);
}
