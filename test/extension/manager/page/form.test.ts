import { describe, expect, it } from 'vitest';
import type { Connection, Provider } from '../../../../shared/protocol';
import {
  baseUrlAfterProviderChange,
  emptyValues,
  fieldForProtocol,
  hasChanges,
  testTarget,
  toCreateFields,
  toDraft,
  toUpdateFields,
  validate,
  validateDetailed,
  valuesFromConnection,
  type FormMode,
  type FormValues,
} from '../../../../extension/manager/page/form';
import { describeDiscovered, moveRow, nextPeriod } from '../../../../extension/manager/page/limits';

const openai: Provider = {
  id: 'openai',
  name: 'OpenAI',
  adapter: 'openai',
  defaultBaseUrl: 'https://api.openai.com/v1',
  requiresKey: true,
  keyFormatHint: 'starts with sk-',
  builtIn: true,
};
const ollama: Provider = {
  id: 'ollama',
  name: 'Ollama',
  adapter: 'openai',
  defaultBaseUrl: 'http://127.0.0.1:11434/v1',
  requiresKey: false,
  builtIn: true,
};

const saved: Connection = {
  id: 'c1',
  name: 'Work',
  provider: 'openai',
  baseUrl: 'https://api.openai.com/v1',
  defaultModel: 'gpt-5.4',
  headers: { 'X-Team': 'infra' },
  timeoutMs: 60_000,
  maxRetries: 2,
  isDefault: true,
  keySource: 'memory',
  keyHint: '…abcd',
  keyFingerprint: '1a2b3c4d',
  keyAvailable: true,
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
};
const create: FormMode = { kind: 'create' };
const edit = (replacingKey = false): FormMode => ({ kind: 'edit', original: saved, replacingKey });
const filled = (over: Partial<FormValues> = {}): FormValues => ({
  ...emptyValues(openai),
  name: 'Work',
  apiKey: 'sk-test-1234',
  ...over,
});

describe('validate', () => {
  it('accepts a complete new connection', () => {
    expect(validate(filled(), { mode: create, provider: openai, purpose: 'save' })).toEqual({});
  });

  it('puts each problem on its own field', () => {
    const errors = validate(
      filled({
        name: ' ',
        baseUrl: 'api.openai.com',
        apiKey: '',
        timeoutSeconds: '0',
        maxRetries: '1.5',
        headers: 'oops',
      }),
      { mode: create, provider: openai, purpose: 'save' },
    );
    expect(Object.keys(errors)).toEqual(['name', 'baseUrl', 'apiKey', 'headers', 'timeoutSeconds', 'maxRetries']);
    expect(errors.apiKey).toBe('Enter the API key for OpenAI.');
  });

  it('needs no name to test a draft', () => {
    expect(validate(filled({ name: '' }), { mode: create, provider: openai, purpose: 'test' })).toEqual({});
  });

  it('needs no key for a provider without one', () => {
    expect(
      validate(filled({ provider: 'ollama', baseUrl: ollama.defaultBaseUrl, apiKey: '' }), {
        mode: create,
        provider: ollama,
        purpose: 'save',
      }),
    ).toEqual({});
  });

  it('refuses a key with a stray newline', () => {
    expect(
      validate(filled({ apiKey: 'sk-abc\n' }), { mode: create, provider: openai, purpose: 'save' }).apiKey,
    ).toMatch(/stray newline/);
  });

  it('refuses credentials in the base URL', () => {
    expect(
      validate(filled({ baseUrl: 'https://u:p@api.openai.com/v1' }), {
        mode: create,
        provider: openai,
        purpose: 'save',
      }).baseUrl,
    ).toMatch(/Remove the credentials/);
  });

  it('refuses a query string or fragment in the base URL', () => {
    for (const baseUrl of ['https://api.openai.com/v1?key=sk-in-url', 'https://api.openai.com/v1#x']) {
      expect(validate(filled({ baseUrl }), { mode: create, provider: openai, purpose: 'save' }).baseUrl).toMatch(
        /Remove the query/,
      );
    }
  });

  it('does not ask for the key when editing without replacing it', () => {
    expect(validate(valuesFromConnection(saved), { mode: edit(), provider: openai, purpose: 'save' })).toEqual({});
  });

  it('asks for the new key when "Replace key" is open and empty', () => {
    expect(
      validate(valuesFromConnection(saved), { mode: edit(true), provider: openai, purpose: 'save' }).apiKey,
    ).toMatch(/new key/);
  });

  it('flags a default model outside the allowed models', () => {
    expect(
      validate(filled({ defaultModel: 'gpt-x', allowedModels: 'gpt-5.4' }), {
        mode: create,
        provider: openai,
        purpose: 'save',
      }).defaultModel,
    ).toMatch(/not in "Allowed models"/);
  });

  it('flags a missing provider', () => {
    expect(validate(filled({ provider: '' }), { mode: create, provider: undefined, purpose: 'save' }).provider).toBe(
      'Choose a provider.',
    );
  });
});

describe('toCreateFields', () => {
  it('sends only what was set, converting seconds to milliseconds', () => {
    expect(
      toCreateFields(
        filled({
          defaultModel: ' gpt-5.4 ',
          timeoutSeconds: '30',
          maxRetries: '0',
          headers: 'X-A: 1',
          isDefault: true,
        }),
      ),
    ).toEqual({
      name: 'Work',
      provider: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      defaultModel: 'gpt-5.4',
      headers: { 'X-A': '1' },
      timeoutMs: 30_000,
      maxRetries: 0,
      isDefault: true,
    });
  });

  it('never carries the key (it travels beside the fields)', () => {
    expect(toCreateFields(filled())).not.toHaveProperty('apiKey');
  });
});

describe('toDraft', () => {
  it('carries the typed key and omits an empty name', () => {
    expect(toDraft(filled({ name: '' }))).toEqual({
      provider: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'sk-test-1234',
    });
  });
});

describe('toUpdateFields', () => {
  it('is just the id when nothing changed', () => {
    expect(toUpdateFields(saved, valuesFromConnection(saved))).toEqual({ id: 'c1' });
    expect(hasChanges(edit(), valuesFromConnection(saved))).toBe(false);
  });

  it('sends changed fields and null for cleared ones', () => {
    const v = {
      ...valuesFromConnection(saved),
      name: 'Work 2',
      defaultModel: '',
      headers: '',
      timeoutSeconds: '90',
      isDefault: false,
      organization: 'org-1',
    };
    expect(toUpdateFields(saved, v)).toEqual({
      id: 'c1',
      name: 'Work 2',
      defaultModel: null,
      headers: null,
      timeoutMs: 90_000,
      isDefault: false,
      organization: 'org-1',
    });
  });

  it('counts a replaced key as a change', () => {
    expect(hasChanges(edit(true), valuesFromConnection(saved))).toBe(true);
  });
});

describe('secret headers in the form', () => {
  const gateway: Connection = {
    ...saved,
    headers: { 'X-Team': 'infra', 'Helicone-Auth': '••••••••' },
    secretHeaders: ['Helicone-Auth'],
  };
  const values = valuesFromConnection(gateway);

  it('puts a saved secret header in its own row, empty, and keeps it out of the header text', () => {
    expect(values.headers).toBe('X-Team: infra');
    expect(values.secretHeaders).toEqual([{ name: 'Helicone-Auth', value: '' }]);
  });

  it('sends nothing about headers when neither the text nor a secret changed (the mask round-trips)', () => {
    expect(toUpdateFields(gateway, values)).toEqual({ id: 'c1' });
  });

  it('sends the mask for an untouched secret when another header changes', () => {
    expect(toUpdateFields(gateway, { ...values, headers: 'X-Team: search' }).headers).toEqual({
      'X-Team': 'search',
      'Helicone-Auth': '••••••••',
    });
  });

  it('sends a typed value in place of the mask to replace the secret', () => {
    const v = { ...values, secretHeaders: [{ name: 'Helicone-Auth', value: 'Bearer sk-new-1234' }] };
    expect(toUpdateFields(gateway, v).headers).toEqual({ 'X-Team': 'infra', 'Helicone-Auth': 'Bearer sk-new-1234' });
  });

  it('leaves a removed secret header out, and sends null when no header is left', () => {
    expect(toUpdateFields(gateway, { ...values, secretHeaders: [] }).headers).toEqual({ 'X-Team': 'infra' });
    expect(toUpdateFields(gateway, { ...values, headers: '', secretHeaders: [] }).headers).toBeNull();
  });

  it('refuses the same header in the text and as a secret, and a new value with a line break', () => {
    const ctx = {
      mode: { kind: 'edit', original: gateway, replacingKey: false } as FormMode,
      provider: openai,
      purpose: 'save' as const,
    };
    expect(validate({ ...values, headers: 'helicone-auth: x' }, ctx).headers).toMatch(
      /"Helicone-Auth" is stored securely below/,
    );
    expect(validate({ ...values, secretHeaders: [{ name: 'Helicone-Auth', value: 'a\nb' }] }, ctx).headers).toMatch(
      /must not contain line breaks/,
    );
  });

  it('maps a daemon error on secretHeaders to the headers field', () => {
    expect(fieldForProtocol('secretHeaders')).toBe('headers');
  });
});

describe('testTarget', () => {
  it('tests a draft when creating', () => {
    expect(testTarget(create, filled())).toEqual({ draft: toDraft(filled()) });
  });

  it('tests the saved connection by id when editing without a new key', () => {
    expect(testTarget(edit(), valuesFromConnection(saved))).toEqual({ id: 'c1' });
  });

  it('tests a draft with the new key while replacing it', () => {
    const v = { ...valuesFromConnection(saved), apiKey: 'sk-new-9999' };
    expect(testTarget(edit(true), v)).toEqual({
      draft: expect.objectContaining({ apiKey: 'sk-new-9999', name: 'Work' }),
    });
  });
});

describe('baseUrlAfterProviderChange', () => {
  it('replaces the previous default or an empty URL', () => {
    expect(baseUrlAfterProviderChange(openai.defaultBaseUrl, openai, ollama)).toBe(ollama.defaultBaseUrl);
    expect(baseUrlAfterProviderChange('', undefined, ollama)).toBe(ollama.defaultBaseUrl);
  });

  it('keeps a URL the person typed', () => {
    expect(baseUrlAfterProviderChange('https://proxy.example.com/v1', openai, ollama)).toBe(
      'https://proxy.example.com/v1',
    );
  });
});

describe('fieldForProtocol', () => {
  it('maps daemon field paths onto form fields', () => {
    expect(fieldForProtocol('draft.baseUrl')).toBe('baseUrl');
    expect(fieldForProtocol('headers.X-Foo')).toBe('headers');
    expect(fieldForProtocol('timeoutMs')).toBe('timeoutSeconds');
    expect(fieldForProtocol('keySource')).toBe('apiKey');
    expect(fieldForProtocol('id')).toBeUndefined();
    expect(fieldForProtocol(undefined)).toBeUndefined();
  });
});

describe('limits, budget and fallbacks', () => {
  const others = [
    { id: 'c1', name: 'Work' },
    { id: 'c2', name: 'Backup' },
    { id: 'c3', name: 'Local' },
  ];
  const check = (over: Partial<FormValues>, mode: FormMode = create) =>
    validateDetailed(filled(over), { mode, provider: openai, purpose: 'save', connections: others });
  const limited: Connection = {
    ...saved,
    capacity: [
      { period: 'minute', requests: 60 },
      { period: 'day', tokens: 1_000_000 },
    ],
    onLimit: 'queue',
    maxQueueWaitMs: 30_000,
    budget: { period: 'month', amount: 10 },
    fallbacks: ['c2', 'c3'],
    fallbackModels: { c3: 'llama3.2' },
  };

  it("reads a saved connection's limits into rows", () => {
    const v = valuesFromConnection(limited);
    expect(v.capacity).toEqual([
      { period: 'minute', requests: '60', tokens: '' },
      { period: 'day', requests: '', tokens: '1000000' },
    ]);
    expect(v).toMatchObject({ onLimit: 'queue', maxQueueWaitSeconds: '30', budgetPeriod: 'month', budgetAmount: '10' });
    expect(v.fallbacks).toEqual([
      { connectionId: 'c2', model: '' },
      { connectionId: 'c3', model: 'llama3.2' },
    ]);
    expect(toUpdateFields(limited, v)).toEqual({ id: 'c1' });
  });

  it('starts a new form with no limits, failing at a limit, a monthly budget period', () => {
    expect(emptyValues(openai)).toMatchObject({
      capacity: [],
      onLimit: 'fail',
      maxQueueWaitSeconds: '',
      budgetPeriod: 'month',
      budgetAmount: '',
      fallbacks: [],
    });
  });

  it('needs requests, tokens or both in a capacity row, and names the input at fault', () => {
    expect(check({ capacity: [{ period: 'hour', requests: '', tokens: ' ' }] })).toEqual({
      errors: { capacity: 'Per hour: enter requests, tokens or both, or remove the row.' },
      inputs: { capacity: 'capacity-0-requests' },
    });
  });

  it('refuses fractions, zero and numbers past the protocol bounds', () => {
    expect(check({ capacity: [{ period: 'minute', requests: '1.5', tokens: '' }] }).errors.capacity).toMatch(
      /^Per minute: enter a whole number of requests from 1/,
    );
    expect(check({ capacity: [{ period: 'minute', requests: '0', tokens: '' }] }).errors.capacity).toMatch(
      /whole number of requests/,
    );
    expect(check({ capacity: [{ period: 'minute', requests: '', tokens: '1000000000001' }] })).toMatchObject({
      inputs: { capacity: 'capacity-0-tokens' },
    });
    expect(check({ capacity: [{ period: 'minute', requests: '1,000', tokens: '2_000_000' }] }).errors).toEqual({});
  });

  it('allows one limit per period', () => {
    const { errors, inputs } = check({
      capacity: [
        { period: 'hour', requests: '10', tokens: '' },
        { period: 'hour', requests: '', tokens: '5000' },
      ],
    });
    expect(errors.capacity).toBe(
      'Per hour: there is already a limit for this period; put requests and tokens in the same row.',
    );
    expect(inputs.capacity).toBe('capacity-1-period');
  });

  it('bounds the queue wait only while queueing', () => {
    expect(check({ onLimit: 'queue', maxQueueWaitSeconds: '3601' }).errors.maxQueueWaitSeconds).toMatch(
      /from 0 to 3600/,
    );
    expect(check({ onLimit: 'fail', maxQueueWaitSeconds: '3601' }).errors).toEqual({});
    expect(check({ onLimit: 'queue', maxQueueWaitSeconds: '' }).errors).toEqual({});
  });

  it('takes a budget in dollars above zero', () => {
    expect(check({ budgetAmount: '0' }).errors.budgetAmount).toMatch(/above 0/);
    expect(check({ budgetAmount: 'ten' }).errors.budgetAmount).toMatch(/e\.g\. 10 or 25\.50/);
    expect(check({ budgetAmount: '$25.50' }).errors).toEqual({});
  });

  it('checks each fallback: chosen, not itself, still there, once only', () => {
    const edit = { kind: 'edit', original: saved, replacingKey: false } as const;
    expect(check({ fallbacks: [{ connectionId: '', model: '' }] }).errors.fallbacks).toBe(
      'Fallback 1: choose a connection, or remove the row.',
    );
    expect(check({ fallbacks: [{ connectionId: 'c1', model: '' }] }, edit).errors.fallbacks).toMatch(
      /cannot fall back to itself/,
    );
    expect(check({ fallbacks: [{ connectionId: 'gone', model: '' }] }).errors.fallbacks).toMatch(/no longer exists/);
    expect(
      check({
        fallbacks: [
          { connectionId: 'c2', model: '' },
          { connectionId: 'c2', model: 'x' },
        ],
      }),
    ).toEqual({
      errors: { fallbacks: 'Fallback 2: "Backup" is already in the list.' },
      inputs: { fallbacks: 'fallbacks-1-connection' },
    });
    expect(
      check({ fallbacks: Array.from({ length: 9 }, (_, i) => ({ connectionId: `x${i}`, model: '' })) }).errors
        .fallbacks,
    ).toBe('At most 8 fallbacks.');
  });

  it('creates with only the limits that were set', () => {
    const fields = toCreateFields(
      filled({
        capacity: [{ period: 'minute', requests: '60', tokens: '' }],
        onLimit: 'queue',
        maxQueueWaitSeconds: '2.5',
        budgetAmount: '$10',
        budgetPeriod: 'day',
        fallbacks: [
          { connectionId: 'c2', model: '' },
          { connectionId: 'c3', model: ' llama3.2 ' },
        ],
      }),
    );
    expect(fields).toMatchObject({
      capacity: [{ period: 'minute', requests: 60 }],
      onLimit: 'queue',
      maxQueueWaitMs: 2500,
      budget: { period: 'day', amount: 10 },
      fallbacks: ['c2', 'c3'],
      fallbackModels: { c3: 'llama3.2' },
    });
    expect(toCreateFields(filled())).not.toHaveProperty('onLimit');
    expect(toCreateFields(filled())).not.toHaveProperty('capacity');
  });

  it('leaves limits out of a connection test', () => {
    expect(toDraft(filled({ budgetAmount: '5', fallbacks: [{ connectionId: 'c2', model: '' }] }))).not.toHaveProperty(
      'budget',
    );
    expect(toDraft(filled({ fallbacks: [{ connectionId: 'c2', model: '' }] }))).not.toHaveProperty('fallbacks');
  });

  it('sends a changed limit, and null for each one cleared', () => {
    const v = { ...valuesFromConnection(limited), capacity: [], budgetAmount: '', fallbacks: [] };
    expect(toUpdateFields(limited, v)).toEqual({
      id: 'c1',
      capacity: null,
      budget: null,
      fallbacks: null,
      fallbackModels: null,
    });
    const w = valuesFromConnection(limited);
    const changed = {
      ...w,
      capacity: [w.capacity[1]!, { ...w.capacity[0]!, requests: '120' }],
      budgetPeriod: 'day',
      fallbacks: [w.fallbacks[1]!, w.fallbacks[0]!],
    };
    expect(toUpdateFields(limited, changed)).toEqual({
      id: 'c1',
      capacity: [
        { period: 'day', tokens: 1_000_000 },
        { period: 'minute', requests: 120 },
      ],
      budget: { period: 'day', amount: 10 },
      fallbacks: ['c3', 'c2'],
    });
  });

  it('does not count reordered capacity rows as a change', () => {
    const w = valuesFromConnection(limited);
    expect(toUpdateFields(limited, { ...w, capacity: [w.capacity[1]!, w.capacity[0]!] })).toEqual({ id: 'c1' });
  });

  it('switches between failing and queueing, clearing the wait when emptied', () => {
    const w = valuesFromConnection(limited);
    expect(toUpdateFields(limited, { ...w, onLimit: 'fail' })).toEqual({ id: 'c1', onLimit: 'fail' });
    expect(toUpdateFields(limited, { ...w, maxQueueWaitSeconds: '' })).toEqual({ id: 'c1', maxQueueWaitMs: null });
    expect(
      toUpdateFields(saved, { ...valuesFromConnection(saved), onLimit: 'queue', maxQueueWaitSeconds: '5' }),
    ).toEqual({ id: 'c1', onLimit: 'queue', maxQueueWaitMs: 5000 });
    expect(hasChanges(edit(), { ...valuesFromConnection(saved), budgetAmount: '3' })).toBe(true);
  });

  it('puts daemon errors about limits next to the right field', () => {
    expect(fieldForProtocol('capacity.1.tokens')).toBe('capacity');
    expect(fieldForProtocol('fields.budget.amount')).toBe('budgetAmount');
    expect(fieldForProtocol('budget')).toBe('budgetAmount');
    expect(fieldForProtocol('budget.period')).toBe('budgetPeriod');
    expect(fieldForProtocol('fallbacks.0')).toBe('fallbacks');
    expect(fieldForProtocol('fallbackModels.c2')).toBe('fallbacks');
    expect(fieldForProtocol('maxQueueWaitMs')).toBe('maxQueueWaitSeconds');
    expect(fieldForProtocol('onLimit')).toBe('onLimit');
  });
});

describe('moveRow and nextPeriod', () => {
  it('reorders within bounds only', () => {
    expect(moveRow(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveRow(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
    expect(moveRow(['a', 'b'], 1, 1)).toEqual(['a', 'b']);
  });

  it('offers the first period not used yet', () => {
    expect(nextPeriod([])).toBe('minute');
    expect(nextPeriod([{ period: 'minute', requests: '1', tokens: '' }])).toBe('hour');
    expect(
      nextPeriod(['minute', 'hour', 'day'].map((period) => ({ period, requests: '1', tokens: '' }))),
    ).toBeUndefined();
  });
});

describe('describeDiscovered', () => {
  const now = new Date('2025-03-30T12:00:00Z');

  it('says nothing was reported yet', () => {
    expect(describeDiscovered(undefined, now)).toBeUndefined();
  });

  it('shows limits, what is left, when the windows reset, and when it was observed', () => {
    expect(
      describeDiscovered(
        {
          observedAt: '2025-03-30T11:57:00Z',
          requestsLimit: 5000,
          requestsRemaining: 4999,
          requestsReset: '2025-03-30T12:00:12Z',
          tokensLimit: 2_000_000,
          tokensRemaining: 1_999_950,
          tokensReset: '2025-03-30T11:59:00Z',
        },
        now,
      ),
    ).toEqual({
      observed: 'Observed 3 min ago',
      lines: [
        'Requests: 4,999 of 5,000 left, resets in 12 s',
        'Tokens: 1,999,950 of 2,000,000 left, window has reset since',
      ],
    });
  });

  it('copes with a provider that reports only part of the figures', () => {
    expect(describeDiscovered({ observedAt: '2025-03-30T12:00:00Z', tokensRemaining: 10 }, now)).toEqual({
      observed: 'Observed just now',
      lines: ['Tokens: 10 left'],
    });
    expect(describeDiscovered({ observedAt: '2025-03-30T12:00:00Z' }, now)!.lines).toEqual([
      'The provider sent no request or token figures.',
    ]);
  });
});
