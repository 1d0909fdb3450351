import { describe, expect, it } from 'vitest';
import {
  emptyValues,
  fieldForProtocol,
  toCreateFields,
  toUpdateFields,
  validate,
  valuesFromConnection,
  type FormValues,
} from '../../../../extension/manager/page/form';
import { openai, savedConnection } from './fixtures';

const saved = savedConnection({
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
  description: 'Search team',
  enabled: true,
  generationDefaults: { temperature: 0.2 },
});
const filled = (over: Partial<FormValues> = {}): FormValues => ({
  ...emptyValues(openai),
  name: 'Work',
  apiKey: 'sk-test-1234',
  ...over,
});

describe('what a connection carries, in the manager form', () => {
  it('starts enabled with no description or defaults, and creates with only what was typed', () => {
    expect(toCreateFields(filled())).not.toHaveProperty('generationDefaults');
    expect(toCreateFields(filled())).not.toHaveProperty('enabled');
    expect(
      toCreateFields(filled({ description: ' Notes ', enabled: false, temperature: '0.5', maxTokens: '' })),
    ).toMatchObject({ description: 'Notes', enabled: false, generationDefaults: { temperature: 0.5 } });
  });

  it('puts bad defaults on their own fields', () => {
    const errors = validate(filled({ temperature: '3', maxTokens: '1.5', description: 'a\u0007' }), {
      mode: { kind: 'create' },
      provider: openai,
      purpose: 'save',
    });
    expect(errors).toMatchObject({
      temperature: expect.stringMatching(/0 to 2/),
      maxTokens: expect.stringMatching(/whole number/),
      description: expect.stringMatching(/control/),
    });
  });

  it('sends only what changed on edit, null to clear', () => {
    const values = valuesFromConnection(saved);
    expect(values).toMatchObject({ description: 'Search team', enabled: true, temperature: '0.2', maxTokens: '' });
    expect(toUpdateFields(saved, values)).toEqual({ id: 'c1' });
    expect(
      toUpdateFields(saved, { ...values, enabled: false, description: '', temperature: '', maxTokens: '100' }),
    ).toEqual({ id: 'c1', enabled: false, description: null, generationDefaults: { maxTokens: 100 } });
    expect(toUpdateFields(saved, { ...values, temperature: '' })).toEqual({ id: 'c1', generationDefaults: null });
  });

  it("maps the daemon's field names to these inputs", () => {
    expect(fieldForProtocol('generationDefaults.maxTokens')).toBe('maxTokens');
    expect(fieldForProtocol('generationDefaults.temperature')).toBe('temperature');
    expect(fieldForProtocol('description')).toBe('description');
  });
});
