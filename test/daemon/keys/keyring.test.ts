import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Keyring } from '../../../daemon/keys/keyring';
import { redactor } from '../../../daemon/redactor';
import { Vault } from '../../../daemon/keys/vault';
import { silentLogger } from '../../../daemon/log';
import { tempDir } from '../store/helpers';

let vault: Vault;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  let dir: string;
  ({ dir, cleanup } = await tempDir('sb-keyring-'));
  vault = await Vault.open({
    file: join(dir, 'vault.json'),
    masterKeyFile: join(dir, 'master.key'),
    env: {},
    log: silentLogger,
  });
});
afterEach(() => cleanup());

let counter = 0;
// Distinct at both ends, as real keys are: the redactor scrubs a known key's 12-character start and end.
const newKey = () => {
  const n = (++counter).toString().padStart(4, '0');
  return `gsk_ring${n}MnBvCxZaSdFgHjKlPoIu${n}`;
};
/** True when the redactor knows this exact key (not just its shape). */
const scrubbed = (key: string) => !redactor.redact(key).includes(key);

describe('Keyring', () => {
  it('resolves a vault connection from the vault', async () => {
    const key = newKey();
    await vault.set('c1', key);
    const keyring = new Keyring(vault, {});
    expect(keyring.resolve({ id: 'c1', keySource: 'vault' })).toBe(key);
    expect(keyring.isAvailable({ id: 'c1', keySource: 'vault' })).toBe(true);
    expect(keyring.isAvailable({ id: 'c2', keySource: 'vault' })).toBe(false);
  });

  it('holds a memory key until it is cleared', () => {
    const key = newKey();
    const keyring = new Keyring(vault, {});
    const conn = { id: 'c1', keySource: 'memory' } as const;
    expect(keyring.isAvailable(conn)).toBe(false);
    keyring.setMemory('c1', key);
    expect(keyring.resolve(conn)).toBe(key);
    expect(scrubbed(key)).toBe(true);
    keyring.clearMemory('c1');
    expect(keyring.resolve(conn)).toBeUndefined();
    expect(scrubbed(key)).toBe(false);
    keyring.clearMemory('c1');
  });

  it('does not hand a memory key to a connection whose source is the vault', () => {
    const keyring = new Keyring(vault, {});
    keyring.setMemory('c1', newKey());
    expect(keyring.resolve({ id: 'c1', keySource: 'vault' })).toBeUndefined();
  });

  it('reads an env key at use time and registers it with the redactor', () => {
    const env: NodeJS.ProcessEnv = {};
    const keyring = new Keyring(vault, env);
    const conn = { id: 'c1', keySource: 'env:MY_LLM_KEY' };
    expect(keyring.resolve(conn)).toBeUndefined();
    const key = newKey();
    env.MY_LLM_KEY = key;
    expect(keyring.resolve(conn)).toBe(key);
    expect(scrubbed(key)).toBe(true);
    const rotated = newKey();
    env.MY_LLM_KEY = rotated;
    expect(keyring.resolve(conn)).toBe(rotated);
  });

  it('treats an empty env variable as no key', () => {
    const keyring = new Keyring(vault, { EMPTY: '' });
    expect(keyring.resolve({ id: 'c1', keySource: 'env:EMPTY' })).toBeUndefined();
    expect(keyring.isAvailable({ id: 'c1', keySource: 'env:EMPTY' })).toBe(false);
  });

  it('gives no key for none, and counts it as available (nothing is needed)', () => {
    const keyring = new Keyring(vault, {});
    expect(keyring.resolve({ id: 'c1', keySource: 'none' })).toBeUndefined();
    expect(keyring.isAvailable({ id: 'c1', keySource: 'none' })).toBe(true);
  });

  it('keeps a key scrubbed while it moves from the vault to memory and back', async () => {
    const key = newKey();
    const keyring = new Keyring(vault, {});
    await vault.set('c1', key);
    keyring.setMemory('c1', key);
    await vault.delete('c1');
    expect(scrubbed(key)).toBe(true);
    await vault.set('c1', key);
    keyring.clearMemory('c1');
    expect(scrubbed(key)).toBe(true);
    await vault.delete('c1');
    expect(scrubbed(key)).toBe(false);
  });

  it('stops scrubbing a replaced memory key but keeps the new one', () => {
    const [old, next] = [newKey(), newKey()];
    const keyring = new Keyring(vault, {});
    keyring.setMemory('c1', old);
    keyring.setMemory('c1', next);
    expect(scrubbed(old)).toBe(false);
    expect(scrubbed(next)).toBe(true);
  });
});
