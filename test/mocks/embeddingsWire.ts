/**
 * OpenAI's embeddings API as api.openai.com (and Azure, under its deployment path) answers it:
 * `POST /v1/embeddings` with `input` as a string, an array of strings, or token arrays, and
 * `encoding_format` `float` (arrays of numbers) or `base64` (little-endian float32s — what the
 * openai SDK asks for by default and decodes itself). Vectors are deterministic: the same text always
 * gets the same vector, so a test can compare them. Errors use openaiWire's bodies.
 */
import { createHash } from 'node:crypto';
import { estimateTokens } from './wireUtil';

/** Dimensions of a vector when the request names none (real models: 1536 or 3072; kept small here). */
export const DEFAULT_DIMENSIONS = 8;

export type EmbeddingsCheck =
  | { ok: true; inputs: Array<string | number[]>; dimensions: number; base64: boolean }
  | { ok: false; message: string; param: string | null };

/** Validates a body as the API does; the messages are OpenAI's own. */
export function checkEmbeddingsBody(body: any): EmbeddingsCheck {
  if (body === undefined || typeof body !== 'object')
    return {
      ok: false,
      message:
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
      param: null,
    };
  if (typeof body.model !== 'string' || !body.model)
    return { ok: false, message: 'you must provide a model parameter', param: null };
  const input: unknown = body.input;
  if (input === undefined) return { ok: false, message: "Missing required parameter: 'input'.", param: 'input' };
  const inputs =
    typeof input === 'string'
      ? [input]
      : Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === 'number')
        ? [input as number[]]
        : input;
  const valid =
    Array.isArray(inputs) &&
    inputs.length > 0 &&
    inputs.length <= 2048 &&
    inputs.every(
      (x) =>
        (typeof x === 'string' && x.length > 0) ||
        (Array.isArray(x) && x.length > 0 && x.every((t) => Number.isInteger(t))),
    );
  if (!valid)
    return {
      ok: false,
      message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
      param: null,
    };
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64')
    return {
      ok: false,
      message: `Invalid value: '${String(format)}'. Supported values are: 'float' and 'base64'.`,
      param: 'encoding_format',
    };
  const dimensions = body.dimensions ?? DEFAULT_DIMENSIONS;
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 3072)
    return {
      ok: false,
      message: `Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got ${String(dimensions)} instead.`,
      param: 'dimensions',
    };
  return { ok: true, inputs: inputs as Array<string | number[]>, dimensions, base64: format === 'base64' };
}

/** The vector of one input: unit length, from a hash of it. */
export function embeddingOf(input: string | number[], dimensions: number): number[] {
  const seed = createHash('sha256')
    .update(typeof input === 'string' ? input : input.join(','))
    .digest();
  const raw = Array.from(
    { length: dimensions },
    (_, i) => seed[i % seed.length]! / 255 - 0.5 + i / (1000 * dimensions),
  );
  const norm = Math.hypot(...raw) || 1;
  // Rounded through float32, so the float and base64 answers carry the same numbers.
  return raw.map((v) => Math.fround(v / norm));
}

function base64Of(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** Input tokens as the API counts them: token arrays by length, text by the mock's estimate. */
export function embeddingTokens(inputs: Array<string | number[]>): number {
  return inputs.reduce((sum, x) => sum + (typeof x === 'string' ? estimateTokens(x) : x.length), 0);
}

/** The answer, in the API's field order. */
export function embeddingsAnswer(
  model: string,
  check: Extract<EmbeddingsCheck, { ok: true }>,
  usage?: number,
): unknown {
  const tokens = usage ?? embeddingTokens(check.inputs);
  return {
    object: 'list',
    data: check.inputs.map((input, index) => {
      const vector = embeddingOf(input, check.dimensions);
      return { object: 'embedding', index, embedding: check.base64 ? base64Of(vector) : vector };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
