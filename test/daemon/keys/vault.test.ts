import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import { redactor } from '../../../daemon/redactor';
import { Vault, type VaultFile } from '../../../daemon/keys/vault';
import { silentLogger, type Logger } from '../../../daemon/log';
import { captureLog, faultyFs, tempDir } from '../store/helpers';

const posix = process.platform !== 'win32';
let dir: string;
let file: string;
let masterKeyFile: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('sb-vault-'));
  file = join(dir, 'vault.json');
  masterKeyFile = join(dir, 'master.key');
});
afterEach(() => cleanup());

let counter = 0;
/** A distinct, realistic key per call (the redactor is shared by every test in this file). */
// Distinct at both ends, as real keys are: the redactor scrubs a known key's 12-character start and end.
const newKey = () => {
  const n = (++counter).toString().padStart(4, '0');
  return `sk-test-${n}-QwErTyUiOpAsDfGhJkLz${n}`;
};
const open = (env: NodeJS.ProcessEnv = {}, log: Logger = silentLogger, fs?: ReturnType<typeof faultyFs>['fs']) =>
  Vault.open({ file, masterKeyFile, env, log, fs });
const readVault = async (): Promise<VaultFile> => JSON.parse(await readFile(file, 'utf8')) as VaultFile;

describe('Vault with a master key file', () => {
  it('round-trips keys across restarts', async () => {
    const key = newKey();
    const vault = await open();
    expect(vault.get('c1')).toBeUndefined();
    await vault.set('c1', key);
    expect(vault.get('c1')).toBe(key);
    expect(vault.has('c1')).toBe(true);
    const reopened = await open();
    expect(reopened.get('c1')).toBe(key);
  });

  it('creates the master key file 0600 on first use, and vault.json 0600', async () => {
    const vault = await open();
    expect(await readdir(dir)).toEqual([]);
    await vault.set('c1', newKey());
    expect((await readFile(masterKeyFile, 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
    if (posix) {
      expect((await stat(masterKeyFile)).mode & 0o777).toBe(0o600);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    }
  });

  it('stores only ciphertext: the key is not on disk, in clear or base64', async () => {
    const key = newKey();
    const vault = await open();
    await vault.set('c1', key);
    await vault.set('c2', key);
    const raw = await readFile(file, 'utf8');
    expect(raw).not.toContain(key);
    expect(raw).not.toContain(Buffer.from(key).toString('base64').slice(0, 16));
    const stored = await readVault();
    expect(stored.version).toBe(1);
    expect(Buffer.from(stored.entries.c1!.iv, 'base64')).toHaveLength(12);
    // A fresh IV per entry: the same key twice gives different ciphertexts.
    expect(stored.entries.c1!.iv).not.toBe(stored.entries.c2!.iv);
    expect(stored.entries.c1!.ciphertext).not.toBe(stored.entries.c2!.ciphertext);
  });

  it('refuses an entry moved onto another connection (the id is authenticated)', async () => {
    const vault = await open();
    await vault.set('victim', newKey());
    await vault.set('attacker', newKey());
    const stored = await readVault();
    [stored.entries.victim, stored.entries.attacker] = [stored.entries.attacker!, stored.entries.victim!];
    await writeFile(file, JSON.stringify(stored));
    const reopened = await open();
    expect(reopened.get('victim')).toBeUndefined();
    expect(reopened.get('attacker')).toBeUndefined();
  });

  it('deletes an entry and stops scrubbing its key', async () => {
    const key = newKey();
    const vault = await open();
    await vault.set('c1', key);
    expect(redactor.redact(`got ${key}`)).not.toContain(key);
    await vault.delete('c1');
    expect(vault.has('c1')).toBe(false);
    expect(vault.get('c1')).toBeUndefined();
    expect((await readVault()).entries).toEqual({});
    // No longer registered: only the generic key pattern is left to catch it.
    expect(redactor.redact(`got ${key}`)).toBe('got [redacted key]');
    await vault.delete('never-there');
  });

  it('lists entry ids by prefix, readable or not, and a connection prefix covers only its own entries', async () => {
    const vault = await open();
    await vault.set('conn_a', newKey());
    await vault.set('conn_a#header:helicone-auth', `Bearer ${newKey()}`);
    await vault.set('conn_ab#header:x-token', newKey());
    expect(vault.ids('conn_a#').sort()).toEqual(['conn_a#header:helicone-auth']);
    expect(vault.ids().sort()).toEqual(['conn_a', 'conn_a#header:helicone-auth', 'conn_ab#header:x-token']);
    // Unreadable entries (another master key) are still listed, so they can be deleted.
    const other = await open({ SWITCHBOARD_MASTER_KEY: 'f'.repeat(64) });
    expect(other.ids('conn_ab#')).toEqual(['conn_ab#header:x-token']);
    expect(other.get('conn_ab#header:x-token')).toBeUndefined();
  });

  it('registers loaded keys with the redactor', async () => {
    const key = newKey();
    await (await open()).set('c1', key);
    redactor.remove(key);
    await open();
    expect(redactor.redact(`x ${key} y`)).toBe(`x …${key.slice(-4)} y`);
  });

  it('keeps its state and reports STORE_FAILED when saving fails', async () => {
    const faults = faultyFs();
    const first = newKey();
    const vault = await open({}, silentLogger, faults.fs);
    await vault.set('c1', first);
    const before = await readFile(file, 'utf8');
    faults.failWrites(true);
    await expect(vault.set('c1', newKey())).rejects.toMatchObject({ code: ErrorCode.STORE_FAILED });
    await expect(vault.delete('c1')).rejects.toMatchObject({ code: ErrorCode.STORE_FAILED });
    expect(vault.get('c1')).toBe(first);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('applies concurrent sets one at a time without losing any', async () => {
    const vault = await open();
    const keys = Array.from({ length: 20 }, () => newKey());
    await Promise.all(keys.map((k, i) => vault.set(`c${i}`, k)));
    const reopened = await open();
    keys.forEach((k, i) => expect(reopened.get(`c${i}`)).toBe(k));
  });
});

describe('Vault with the wrong master key', () => {
  it('warns without key material, treats entries as unavailable and keeps them on disk', async () => {
    const key = newKey();
    await (await open()).set('c1', key);
    const entryBefore = (await readVault()).entries.c1;
    const masterBefore = await readFile(masterKeyFile, 'utf8');
    await writeFile(masterKeyFile, `${'ab'.repeat(32)}\n`);

    const { log, text } = captureLog();
    const vault = await open({}, log);
    expect(vault.get('c1')).toBeUndefined();
    expect(vault.has('c1')).toBe(true);
    expect(text()).toMatch(
      /WARN .*1 of 1 key\(s\) in .*vault\.json could not be decrypted: the master key in .*master\.key is not the one/,
    );
    expect(text()).not.toContain(key);
    expect(text()).not.toContain(masterBefore.trim());
    expect(text()).not.toContain('ab'.repeat(32));

    // Storing another key must not drop or rewrite the unreadable one.
    await vault.set('c2', newKey());
    expect((await readVault()).entries.c1).toEqual(entryBefore);
    await writeFile(masterKeyFile, masterBefore);
    expect((await open()).get('c1')).toBe(key);
  });

  it('says the passphrase is missing when entries were written with one', async () => {
    await (await open({ SWITCHBOARD_MASTER_KEY: 'correct horse battery staple' })).set('c1', newKey());
    const { log, text } = captureLog();
    const vault = await open({}, log);
    expect(vault.get('c1')).toBeUndefined();
    expect(text()).toContain('encrypted with a passphrase, but SWITCHBOARD_MASTER_KEY is not set');
  });

  it('does not replace a master key file that is not a key, and refuses writes', async () => {
    await writeFile(masterKeyFile, 'not a key');
    const { log, text } = captureLog();
    const vault = await open({}, log);
    expect(text()).toMatch(/read-only: the master key file .* does not hold 64 hex characters/);
    await expect(vault.set('c1', newKey())).rejects.toMatchObject({ code: ErrorCode.STORE_FAILED });
    expect(await readFile(masterKeyFile, 'utf8')).toBe('not a key');
  });
});

describe('Vault from SWITCHBOARD_MASTER_KEY', () => {
  it('uses 64 hex characters as the raw key and creates no master key file', async () => {
    const env = { SWITCHBOARD_MASTER_KEY: '0f'.repeat(32) };
    const key = newKey();
    await (await open(env)).set('c1', key);
    expect(await readdir(dir)).toEqual(['vault.json']);
    expect((await open(env)).get('c1')).toBe(key);
    expect((await open({ SWITCHBOARD_MASTER_KEY: '1e'.repeat(32) })).get('c1')).toBeUndefined();
  });

  it('derives the key from a passphrase with scrypt and a salt kept in vault.json', async () => {
    const env = { SWITCHBOARD_MASTER_KEY: 'correct horse battery staple' };
    const key = newKey();
    await (await open(env)).set('c1', key);
    const stored = await readVault();
    expect(stored.kdf).toMatchObject({ name: 'scrypt' });
    expect(Buffer.from(stored.kdf!.salt, 'base64').length).toBeGreaterThanOrEqual(16);
    expect(await readdir(dir)).toEqual(['vault.json']);
    expect((await open(env)).get('c1')).toBe(key);
    expect((await readVault()).kdf).toEqual(stored.kdf);

    const { log, text } = captureLog();
    const wrong = await open({ SWITCHBOARD_MASTER_KEY: 'wrong horse battery staple' }, log);
    expect(wrong.get('c1')).toBeUndefined();
    expect(text()).toContain('the passphrase in SWITCHBOARD_MASTER_KEY is not the one');
    expect(text()).not.toContain('wrong horse battery staple');
  });
});

describe('Vault files it cannot use', () => {
  it('moves a corrupt vault.json aside and starts empty', async () => {
    await writeFile(file, '{"version":1,"entries":{"c1":{"iv":"');
    const { log, text } = captureLog();
    const vault = await open({}, log);
    expect(vault.has('c1')).toBe(false);
    const aside = (await readdir(dir)).find((f) => f.startsWith('vault.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(text()).toContain(join(dir, aside!));
  });

  it('opens a vault from a newer Switchboard read-only instead of overwriting it', async () => {
    const newer = JSON.stringify({ version: 2, entries: {} });
    await writeFile(file, newer);
    const { log, text } = captureLog();
    const vault = await open({}, log);
    expect(text()).toContain('newer Switchboard');
    await expect(vault.set('c1', newKey())).rejects.toMatchObject({ code: ErrorCode.STORE_FAILED });
    expect(await readFile(file, 'utf8')).toBe(newer);
  });
});
