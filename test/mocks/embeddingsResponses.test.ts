/**
 * The mock's embeddings and Responses API routes, checked with the official `openai` SDK as the
 * client: if the SDK reads them as it reads OpenAI, the daemon's tests against them mean something.
 */
import OpenAI, { AzureOpenAI, BadRequestError, NotFoundError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_DIMENSIONS, embeddingOf } from './embeddingsWire';
import { startMockUpstream, type MockUpstream } from './upstream';

const KEY = 'sk-mock-surfaces-0123456789';
let up: MockUpstream;
let sdk: OpenAI;

beforeAll(async () => {
  up = await startMockUpstream({ validKeys: [KEY], missingModels: ['gone'] });
  sdk = new OpenAI({ baseURL: up.openaiBaseUrl, apiKey: KEY, maxRetries: 0 });
});
afterAll(() => up.close());
beforeEach(() => up.reset());

describe('mock POST /v1/embeddings', () => {
  it('answers the SDK (base64 by default, decoded by it) with deterministic unit vectors and usage', async () => {
    const res = await sdk.embeddings.create({ model: 'text-embedding-3-small', input: ['hello', 'world'] });
    expect(up.requests[0]!.body.encoding_format).toBe('base64');
    expect(res).toMatchObject({
      object: 'list',
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    expect(res.data.map((d) => d.index)).toEqual([0, 1]);
    expect(res.data[0]!.embedding).toEqual(embeddingOf('hello', DEFAULT_DIMENSIONS));
    expect(Math.hypot(...res.data[1]!.embedding)).toBeCloseTo(1, 5);
  });

  it('answers floats when asked, with the requested dimensions', async () => {
    const res = await sdk.embeddings.create({
      model: 'text-embedding-3-large',
      input: 'hello',
      encoding_format: 'float',
      dimensions: 3,
    });
    expect(res.data[0]!.embedding).toEqual(embeddingOf('hello', 3));
  });

  it('refuses a bad input and an unknown model as OpenAI does', async () => {
    await expect(sdk.embeddings.create({ model: 'text-embedding-3-small', input: [] })).rejects.toBeInstanceOf(
      BadRequestError,
    );
    await expect(sdk.embeddings.create({ model: 'gone', input: 'x' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('serves Azure deployments', async () => {
    const azure = new AzureOpenAI({
      endpoint: up.azureEndpoint,
      apiKey: KEY,
      apiVersion: '2024-10-21',
      deployment: 'embed',
      maxRetries: 0,
    });
    const res = await azure.embeddings.create({ model: 'embed', input: 'hi' });
    expect(res.data).toHaveLength(1);
    expect(up.requests[0]!.path).toBe('/openai/deployments/embed/embeddings');
  });
});

describe('mock POST /v1/responses', () => {
  it('answers without streaming: output text and usage', async () => {
    up.reply('gpt-5', { chunks: ['Hel', 'lo'], usage: { input: 7, output: 2 } });
    const res = await sdk.responses.create({ model: 'gpt-5', input: 'Say hello', instructions: 'Be brief.' });
    expect(res).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'gpt-5',
      instructions: 'Be brief.',
      usage: { input_tokens: 7, output_tokens: 2, total_tokens: 9 },
    });
    expect(res.output_text).toBe('Hello');
    expect(res.id).toMatch(/^resp_/);
  });

  it('streams response.* events in order, numbered, ending with response.completed', async () => {
    up.reply('gpt-5', { chunks: ['a', 'b', 'c'], usage: { input: 5, output: 3 } });
    const stream = await sdk.responses.create({ model: 'gpt-5', input: 'abc', stream: true });
    const types: string[] = [];
    const seqs: number[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      seqs.push(event.sequence_number);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(seqs).toEqual(types.map((_, i) => i));
    expect(text).toBe('abc');
    expect(up.requests[0]!.rawBody).toContain('"stream":true');
  });

  it("works with the SDK's responses.stream() helper and its final response", async () => {
    up.reply('gpt-5', { chunks: ['x', 'y'], usage: { input: 3, output: 2 } });
    const stream = sdk.responses.stream({ model: 'gpt-5', input: 'xy' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(deltas).toEqual(['x', 'y']);
    expect(final.output_text).toBe('xy');
    expect(final.usage).toMatchObject({ input_tokens: 3, output_tokens: 2 });
  });

  it('ends with response.incomplete when max_output_tokens cuts the answer', async () => {
    up.reply('gpt-5', { chunks: Array.from({ length: 20 }, (_, i) => `t${i}`) });
    const res = await sdk.responses.create({ model: 'gpt-5', input: 'long', max_output_tokens: 16 });
    expect(res).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  it('sends an error event mid-stream for a streamError fault', async () => {
    up.fault({ kind: 'streamError', afterChunks: 1 });
    const stream = await sdk.responses.create({ model: 'gpt-5', input: 'x', stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('error');
    expect(types).not.toContain('response.completed');
  });

  it("refuses a missing model with OpenAI's 400", async () => {
    await expect(sdk.responses.create({ input: 'x' } as never)).rejects.toBeInstanceOf(BadRequestError);
  });
});
