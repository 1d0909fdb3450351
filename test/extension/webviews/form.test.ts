import { describe, expect, it } from 'vitest';
import type { Connection, Provider } from '../../../shared/protocol';
import {
  baseUrlAfterProviderChange, emptyValues, fieldForProtocol, hasChanges, testTarget, toCreateFields, toDraft, toUpdateFields,
  validate, valuesFromConnection, type FormMode, type FormValues,
} from '../../../extension/webviews/connectionManager/form';

const openai: Provider = { id: 'openai', name: 'OpenAI', adapter: 'openai', defaultBaseUrl: 'https://api.openai.com/v1', requiresKey: true, keyFormatHint: 'starts with sk-', builtIn: true };
const ollama: Provider = { id: 'ollama', name: 'Ollama', adapter: 'openai', defaultBaseUrl: 'http://127.0.0.1:11434/v1', requiresKey: false, builtIn: true };

const saved: Connection = {
  id: 'c1', name: 'Work', provider: 'openai', baseUrl: 'https://api.openai.com/v1', defaultModel: 'gpt-5.4',
  headers: { 'X-Team': 'infra' }, timeoutMs: 60_000, maxRetries: 2, isDefault: true, keySource: 'memory',
  keyHint: '…abcd', keyFingerprint: '1a2b3c4d', keyAvailable: true, createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z',
};
const create: FormMode = { kind: 'create' };
const edit = (replacingKey = false): FormMode => ({ kind: 'edit', original: saved, replacingKey });
const filled = (over: Partial<FormValues> = {}): FormValues => ({ ...emptyValues(openai), name: 'Work', apiKey: 'sk-test-1234', ...over });

describe('validate', () => {
  it('accepts a complete new connection', () => {
    expect(validate(filled(), { mode: create, provider: openai, purpose: 'save' })).toEqual({});
  });

  it('puts each problem on its own field', () => {
    const errors = validate(filled({ name: ' ', baseUrl: 'api.openai.com', apiKey: '', timeoutSeconds: '0', maxRetries: '1.5', headers: 'oops' }), { mode: create, provider: openai, purpose: 'save' });
    expect(Object.keys(errors)).toEqual(['name', 'baseUrl', 'apiKey', 'headers', 'timeoutSeconds', 'maxRetries']);
    expect(errors.apiKey).toBe('Enter the API key for OpenAI.');
  });

  it('needs no name to test a draft', () => {
    expect(validate(filled({ name: '' }), { mode: create, provider: openai, purpose: 'test' })).toEqual({});
  });

  it('needs no key for a provider without one', () => {
    expect(validate(filled({ provider: 'ollama', baseUrl: ollama.defaultBaseUrl, apiKey: '' }), { mode: create, provider: ollama, purpose: 'save' })).toEqual({});
  });

  it('refuses a key with a stray newline', () => {
    expect(validate(filled({ apiKey: 'sk-abc\n' }), { mode: create, provider: openai, purpose: 'save' }).apiKey).toMatch(/stray newline/);
  });

  it('refuses credentials in the base URL', () => {
    expect(validate(filled({ baseUrl: 'https://u:p@api.openai.com/v1' }), { mode: create, provider: openai, purpose: 'save' }).baseUrl).toMatch(/Remove the credentials/);
  });

  it('does not ask for the key when editing without replacing it', () => {
    expect(validate(valuesFromConnection(saved), { mode: edit(), provider: openai, purpose: 'save' })).toEqual({});
  });

  it('asks for the new key when "Replace key" is open and empty', () => {
    expect(validate(valuesFromConnection(saved), { mode: edit(true), provider: openai, purpose: 'save' }).apiKey).toMatch(/new key/);
  });

  it('flags a default model outside the allowed models', () => {
    expect(validate(filled({ defaultModel: 'gpt-x', allowedModels: 'gpt-5.4' }), { mode: create, provider: openai, purpose: 'save' }).defaultModel).toMatch(/not in "Allowed models"/);
  });

  it('flags a missing provider', () => {
    expect(validate(filled({ provider: '' }), { mode: create, provider: undefined, purpose: 'save' }).provider).toBe('Choose a provider.');
  });
});

describe('toCreateFields', () => {
  it('sends only what was set, converting seconds to milliseconds', () => {
    expect(toCreateFields(filled({ defaultModel: ' gpt-5.4 ', timeoutSeconds: '30', maxRetries: '0', headers: 'X-A: 1', isDefault: true }))).toEqual({
      name: 'Work', provider: 'openai', baseUrl: 'https://api.openai.com/v1', defaultModel: 'gpt-5.4', headers: { 'X-A': '1' }, timeoutMs: 30_000, maxRetries: 0, isDefault: true,
    });
  });

  it('never carries the key (it travels beside the fields)', () => {
    expect(toCreateFields(filled())).not.toHaveProperty('apiKey');
  });
});

describe('toDraft', () => {
  it('carries the typed key and omits an empty name', () => {
    expect(toDraft(filled({ name: '' }))).toEqual({ provider: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-test-1234' });
  });
});

describe('toUpdateFields', () => {
  it('is just the id when nothing changed', () => {
    expect(toUpdateFields(saved, valuesFromConnection(saved))).toEqual({ id: 'c1' });
    expect(hasChanges(edit(), valuesFromConnection(saved))).toBe(false);
  });

  it('sends changed fields and null for cleared ones', () => {
    const v = { ...valuesFromConnection(saved), name: 'Work 2', defaultModel: '', headers: '', timeoutSeconds: '90', isDefault: false, organization: 'org-1' };
    expect(toUpdateFields(saved, v)).toEqual({ id: 'c1', name: 'Work 2', defaultModel: null, headers: null, timeoutMs: 90_000, isDefault: false, organization: 'org-1' });
  });

  it('counts a replaced key as a change', () => {
    expect(hasChanges(edit(true), valuesFromConnection(saved))).toBe(true);
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
    expect(testTarget(edit(true), v)).toEqual({ draft: expect.objectContaining({ apiKey: 'sk-new-9999', name: 'Work' }) });
  });
});

describe('baseUrlAfterProviderChange', () => {
  it('replaces the previous default or an empty URL', () => {
    expect(baseUrlAfterProviderChange(openai.defaultBaseUrl, openai, ollama)).toBe(ollama.defaultBaseUrl);
    expect(baseUrlAfterProviderChange('', undefined, ollama)).toBe(ollama.defaultBaseUrl);
  });

  it('keeps a URL the person typed', () => {
    expect(baseUrlAfterProviderChange('https://proxy.example.com/v1', openai, ollama)).toBe('https://proxy.example.com/v1');
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
