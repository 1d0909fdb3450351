import type { JSONRPCRequest, JSONRPCResponse } from 'json-rpc-2.0';
import { describe, expect, it } from 'vitest';
import {
  exceedsDepth,
  MAX_BATCH,
  MAX_DEPTH,
  parseAndValidate,
  respond,
  type Dispatch,
} from '../../../daemon/rpc/envelope';

/** A dispatcher that echoes: result = params, unknown method `nope` → -32601, no answer to notifications. */
const echo: Dispatch = async (req: JSONRPCRequest) => {
  if (req.id === undefined) return null;
  if (req.method === 'nope')
    return { jsonrpc: '2.0', id: req.id, error: { code: -32601, message: 'Method not found' } };
  return { jsonrpc: '2.0', id: req.id, result: req.params ?? null };
};

async function roundTrip(raw: string): Promise<JSONRPCResponse | JSONRPCResponse[] | null> {
  return respond(parseAndValidate(raw), echo);
}

describe('parseAndValidate + respond', () => {
  it('answers malformed JSON with -32700 and id null', async () => {
    expect(await roundTrip('{"jsonrpc":"2.0","method":"x","id":1')).toMatchObject({
      id: null,
      error: { code: -32700 },
    });
    expect(await roundTrip('')).toMatchObject({ id: null, error: { code: -32700 } });
  });

  it('runs a valid request and returns its response', async () => {
    expect(await roundTrip('{"jsonrpc":"2.0","method":"x","params":{"a":1},"id":7}')).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: { a: 1 },
    });
  });

  it('accepts string, number and null ids', async () => {
    expect(await roundTrip('{"jsonrpc":"2.0","method":"x","id":"abc"}')).toMatchObject({ id: 'abc' });
    expect(await roundTrip('{"jsonrpc":"2.0","method":"x","id":null}')).toMatchObject({ id: null, result: null });
  });

  it.each([
    ['wrong jsonrpc', '{"jsonrpc":"1.0","method":"x","id":1}', 1, 'jsonrpc'],
    ['missing jsonrpc', '{"method":"x","id":1}', 1, 'jsonrpc'],
    ['missing method', '{"jsonrpc":"2.0","id":1}', 1, 'method'],
    ['non-string method', '{"jsonrpc":"2.0","method":1,"id":1}', 1, 'method'],
    ['object id', '{"jsonrpc":"2.0","method":"x","id":{}}', null, 'id'],
    ['boolean id', '{"jsonrpc":"2.0","method":"x","id":true}', null, 'id'],
    ['string params', '{"jsonrpc":"2.0","method":"x","params":"bar","id":1}', 1, 'params'],
    ['null params', '{"jsonrpc":"2.0","method":"x","params":null,"id":1}', 1, 'params'],
    ['number params', '{"jsonrpc":"2.0","method":"x","params":3,"id":1}', 1, 'params'],
    ['a response object', '{"jsonrpc":"2.0","result":1,"id":1,"method":"x"}', 1, 'result'],
  ])('refuses %s with -32600', async (_name, raw, id, field) => {
    expect(await roundTrip(raw)).toMatchObject({ jsonrpc: '2.0', id, error: { code: -32600, data: { field } } });
  });

  it('refuses a non-object message with -32600 id null', async () => {
    for (const raw of ['1', '"x"', 'null', 'true'])
      expect(await roundTrip(raw)).toMatchObject({ id: null, error: { code: -32600 } });
  });

  it('accepts array params (the spec allows them; the router validates their shape)', async () => {
    expect(await roundTrip('{"jsonrpc":"2.0","method":"x","params":[1,2],"id":1}')).toMatchObject({ result: [1, 2] });
  });

  it('sends nothing for a notification, even to an unknown method', async () => {
    expect(await roundTrip('{"jsonrpc":"2.0","method":"nope"}')).toBeNull();
  });

  it('answers an unknown method with the dispatcher error', async () => {
    expect(await roundTrip('{"jsonrpc":"2.0","method":"nope","id":2}')).toMatchObject({
      id: 2,
      error: { code: -32601 },
    });
  });

  it('answers an empty batch with one -32600', async () => {
    expect(await roundTrip('[]')).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: expect.objectContaining({ code: -32600 }),
    });
  });

  it('answers [1,2,3] with three -32600 errors', async () => {
    const reply = await roundTrip('[1,2,3]');
    expect(reply).toHaveLength(3);
    for (const r of reply as JSONRPCResponse[]) expect(r).toMatchObject({ id: null, error: { code: -32600 } });
  });

  it('answers a mixed batch per item, leaving out notifications', async () => {
    const reply = (await roundTrip(
      JSON.stringify([
        { jsonrpc: '2.0', method: 'x', params: [1], id: '1' },
        { jsonrpc: '2.0', method: 'x', params: [7] },
        { jsonrpc: '2.0', method: 'nope', id: '2' },
        { foo: 'boo' },
        { jsonrpc: '2.0', method: 'x', params: { a: 1 }, id: '5' },
      ]),
    )) as JSONRPCResponse[];
    expect(Array.isArray(reply)).toBe(true);
    expect(reply).toHaveLength(4);
    expect(reply.find((r) => r.id === '1')).toMatchObject({ result: [1] });
    expect(reply.find((r) => r.id === '2')).toMatchObject({ error: { code: -32601 } });
    expect(reply.find((r) => r.id === null)).toMatchObject({ error: { code: -32600 } });
    expect(reply.find((r) => r.id === '5')).toMatchObject({ result: { a: 1 } });
  });

  it('keeps a batch of one an array', async () => {
    expect(await roundTrip('[{"jsonrpc":"2.0","method":"x","id":1}]')).toEqual([
      { jsonrpc: '2.0', id: 1, result: null },
    ]);
  });

  it('sends nothing for a batch of notifications', async () => {
    expect(await roundTrip('[{"jsonrpc":"2.0","method":"x"},{"jsonrpc":"2.0","method":"nope"}]')).toBeNull();
  });

  it('refuses a batch larger than the limit', async () => {
    const batch = JSON.stringify(Array.from({ length: MAX_BATCH + 1 }, () => ({ jsonrpc: '2.0', method: 'x' })));
    expect(await roundTrip(batch)).toMatchObject({ id: null, error: { code: -32600 } });
  });

  it('refuses a nesting bomb without parsing it', async () => {
    const bomb = `{"jsonrpc":"2.0","method":"x","id":1,"params":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`;
    const reply = await roundTrip(bomb);
    expect(reply).toMatchObject({
      id: null,
      error: { code: -32600, message: expect.stringMatching(/nesting too deep/) },
    });
  });

  it('accepts nesting up to the limit', async () => {
    const params = `${'['.repeat(MAX_DEPTH - 1)}${']'.repeat(MAX_DEPTH - 1)}`;
    expect(await roundTrip(`{"jsonrpc":"2.0","method":"x","id":1,"params":${params}}`)).toMatchObject({
      id: 1,
      result: expect.any(Array),
    });
  });

  it('does not count brackets inside strings as nesting', () => {
    expect(exceedsDepth(JSON.stringify({ s: '['.repeat(1000) }), 4)).toBe(false);
    expect(exceedsDepth(JSON.stringify({ s: 'quote \\" then [[[[[' }), 2)).toBe(false);
    expect(exceedsDepth('[[[', 2)).toBe(true);
  });

  it('handles a 3 MiB string param', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    const reply = (await roundTrip(JSON.stringify({ jsonrpc: '2.0', method: 'x', params: { big }, id: 1 }))) as {
      result: { big: string };
    };
    expect(reply.result.big).toHaveLength(big.length);
  });

  it('reads a Buffer as UTF-8', async () => {
    expect(
      await respond(parseAndValidate(Buffer.from('{"jsonrpc":"2.0","method":"x","params":["é"],"id":1}')), echo),
    ).toMatchObject({ result: ['é'] });
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses a %s key anywhere in params with -32602 naming it',
    async (key) => {
      const raw = `{"jsonrpc":"2.0","method":"x","id":1,"params":{"a":[{"b":{"${key}":{"polluted":true}}}]}}`;
      expect(await roundTrip(raw)).toMatchObject({
        id: 1,
        error: {
          code: -32602,
          message: expect.stringContaining(`params.a.0.b.${key}`),
          data: { field: `params.a.0.b.${key}` },
        },
      });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it('refuses __proto__ at the top of the request', async () => {
    expect(await roundTrip('{"jsonrpc":"2.0","method":"x","id":1,"__proto__":{"polluted":true}}')).toMatchObject({
      id: 1,
      error: { code: -32600 },
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never pollutes Object.prototype, whatever a handler then does with the params', async () => {
    const merge: Dispatch = async (req) => {
      Object.assign({}, req.params);
      return { jsonrpc: '2.0', id: req.id ?? null, result: null };
    };
    await respond(
      parseAndValidate('{"jsonrpc":"2.0","method":"x","id":1,"params":{"__proto__":{"polluted":true}}}'),
      merge,
    );
    await respond(
      parseAndValidate(
        '{"jsonrpc":"2.0","method":"x","id":1,"params":{"constructor":{"prototype":{"polluted":true}}}}',
      ),
      merge,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('turns a throwing dispatcher into -32603 instead of failing the batch', async () => {
    const boom: Dispatch = async () => {
      throw new Error('bug');
    };
    expect(await respond(parseAndValidate('{"jsonrpc":"2.0","method":"x","id":1}'), boom)).toMatchObject({
      id: 1,
      error: { code: -32603 },
    });
  });

  it('builds clean request objects that drop unknown members', () => {
    const env = parseAndValidate('{"jsonrpc":"2.0","method":"x","id":1,"extra":1}');
    expect(env).toEqual({
      kind: 'message',
      batch: false,
      items: [{ kind: 'request', request: { jsonrpc: '2.0', method: 'x', id: 1 } }],
    });
  });
});
