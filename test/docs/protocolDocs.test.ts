import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allDescriptors, renderSchema } from '../../scripts/protocolSchema';

const docs = (name: string) => readFileSync(join(__dirname, '..', '..', 'docs', name), 'utf8');

describe('protocol documentation', () => {
  it('documents every method and notification the protocol declares', () => {
    const page = docs('protocol.md');
    const missing = allDescriptors().map((d) => d.method).filter((m) => !page.includes(`\`${m}\``));
    expect(missing).toEqual([]);
  });

  it('ships a JSON Schema generated from the current descriptors (run `npm run docs` after a change)', () => {
    expect(docs('protocol.schema.json')).toBe(renderSchema());
  });

  it('declares each method once', () => {
    const methods = allDescriptors().map((d) => d.method);
    expect(new Set(methods).size).toBe(methods.length);
    expect(methods.length).toBeGreaterThanOrEqual(25);
  });
});
