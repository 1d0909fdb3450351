/**
 * Every method and notification the protocol exports has exactly one params schema
 * (shared/protocol/paramsSchemas.ts): the daemon validates with it and the docs are generated from
 * it, so a descriptor added without one would fail at the daemon's start.
 */
import { describe, expect, it } from 'vitest';
import * as protocol from '../../../shared/protocol';

const descriptors = (Object.values(protocol) as unknown[]).filter(
  (v): v is { kind: string; method: string } =>
    typeof v === 'object' &&
    v !== null &&
    'method' in v &&
    ((v as { kind?: unknown }).kind === 'request' || (v as { kind?: unknown }).kind === 'notification'),
);

describe('params schemas', () => {
  it('give every exported method its schema, and name no method that is not exported', () => {
    expect(descriptors.length).toBeGreaterThan(30);
    for (const d of descriptors) expect(() => protocol.paramsSchemaOf(d), d.method).not.toThrow();
    expect([...protocol.allParamsSchemas().keys()].sort()).toEqual(descriptors.map((d) => d.method).sort());
  });

  it('validate what the daemon validated before: a bad field is refused, good params pass', () => {
    const create = protocol.paramsSchemaOf(protocol.ConnectionsCreate);
    expect(create.safeParse({ name: 'Work', provider: 'openai' }).success).toBe(true);
    expect(create.safeParse({ name: '', provider: 'openai' }).success).toBe(false);
    expect(protocol.paramsSchemaOf(protocol.SettingsGet).safeParse(undefined).success).toBe(true);
  });
});
