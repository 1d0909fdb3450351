import { describe, expect, it } from 'vitest';
import type { PriceEntry } from '../../../../shared/protocol';
import { checkPrice, describePrice, priceOf, pricesToShow } from '../../../../extension/manager/page/prices';

const entry = (model: string, source: PriceEntry['source'], input = 1, output = 2): PriceEntry => ({
  provider: 'openai',
  model,
  source,
  inputPerMTok: input,
  outputPerMTok: output,
});

describe('checkPrice', () => {
  it('accepts dollars per million tokens, with or without a $ sign', () => {
    expect(checkPrice({ model: ' gpt-x ', input: '0.15', output: '$0.6' })).toEqual({
      ok: true,
      model: 'gpt-x',
      inputPerMTok: 0.15,
      outputPerMTok: 0.6,
    });
    expect(checkPrice({ model: 'm', input: '0', output: '.5' })).toMatchObject({
      ok: true,
      inputPerMTok: 0,
      outputPerMTok: 0.5,
    });
  });

  it('names the input at fault, in words', () => {
    expect(checkPrice({ model: '', input: '1', output: '1' })).toMatchObject({ ok: false, field: 'model' });
    expect(checkPrice({ model: 'gpt x', input: '1', output: '1' })).toMatchObject({
      ok: false,
      field: 'model',
      message: expect.stringContaining('whitespace'),
    });
    expect(checkPrice({ model: 'm', input: '-1', output: '1' })).toMatchObject({ ok: false, field: 'input' });
    expect(checkPrice({ model: 'm', input: '1', output: 'free' })).toMatchObject({ ok: false, field: 'output' });
    expect(checkPrice({ model: 'm', input: '100001', output: '1' })).toMatchObject({ ok: false, field: 'input' });
  });
});

describe('pricesToShow and priceOf', () => {
  it("lists the user's prices, then the built-in price of the default model", () => {
    const prices = [entry('a', 'catalog'), entry('gpt-x', 'catalog'), entry('mine', 'user', 3, 4)];
    expect(pricesToShow(prices, 'gpt-x').map((p) => p.model)).toEqual(['mine', 'gpt-x']);
    expect(pricesToShow(prices, '').map((p) => p.model)).toEqual(['mine']);
    expect(priceOf([entry('m', 'catalog'), entry('m', 'user', 9, 9)], 'm')).toMatchObject({ source: 'user' });
    expect(describePrice({ inputPerMTok: 0.15, outputPerMTok: 0.6 })).toBe('$0.15 in / $0.60 out per 1M tokens');
  });
});
