/**
 * `vault.json`: the daemon's own encrypted key store, for connections whose `keySource` is `vault`.
 *
 * Each entry is AES-256-GCM with a fresh 12-byte IV and the connection id as additional
 * authenticated data, so an entry copied onto another connection's id fails to decrypt instead of
 * handing that connection someone else's key.
 *
 * The master key comes from `SWITCHBOARD_MASTER_KEY` (64 hex characters = the raw key; anything else
 * = a passphrase, stretched with scrypt and a salt kept in vault.json), or else from a random key in
 * the master key file, created 0600 on first use. A wrong master key never crashes the daemon and
 * never costs the user their entries: they are reported once, treated as absent, and kept on disk
 * byte for byte until the right key is back or the user replaces them.
 */
import {
  createCipheriv,
  createDecipheriv,
  randomBytes,
  scrypt as scryptCallback,
  type ScryptOptions,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import type { Logger } from '../log';
import {
  CorruptFileError,
  moveAside,
  readJsonFile,
  writeFileAtomic,
  WriteQueue,
  type AtomicFs,
} from '../store/atomicFile';
import { redactor } from '../redactor';

/** The environment variable that overrides the master key file. */
export const MASTER_KEY_ENV = 'SWITCHBOARD_MASTER_KEY';

/** One encrypted key; every field base64. */
export interface VaultEntry {
  iv: string;
  tag: string;
  ciphertext: string;
}

/** How a passphrase becomes the master key; stored so the cost can be raised later. */
export interface VaultKdf {
  name: 'scrypt';
  salt: string;
  N: number;
  r: number;
  p: number;
}

/** The contents of vault.json. */
export interface VaultFile {
  version: 1;
  /** Present once a passphrase has been used. */
  kdf?: VaultKdf;
  /** Keyed by connection id (its API key) or `<connection id>#header:<lowercased name>` (a secret header value). */
  entries: Record<string, VaultEntry>;
}

export interface VaultOptions {
  file: string;
  masterKeyFile: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Replaces filesystem steps of atomic writes (tests). */
  fs?: Partial<AtomicFs> | undefined;
}

type MasterSource = 'env-key' | 'env-passphrase' | 'file';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** ~100 ms on a laptop: slow enough to make guessing a passphrase expensive, fast enough for startup. */
const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;

export class Vault {
  /** Decrypted keys, by connection id. */
  private readonly keys = new Map<string, string>();
  /** Ids whose entry is on disk but could not be decrypted. */
  private readonly unreadable = new Set<string>();
  private readonly queue = new WriteQueue();

  private constructor(
    private readonly opts: VaultOptions,
    /** The file as on disk (plus a new kdf salt not yet written); unreadable entries are kept verbatim. */
    private stored: VaultFile,
    private masterKey: Buffer | undefined,
    private readonly source: MasterSource,
    /** Why writes are refused, when the vault or its master key file cannot be understood. */
    private readonly locked: string | undefined,
  ) {}

  static async open(opts: VaultOptions): Promise<Vault> {
    const { log, file } = opts;
    let locked: string | undefined;
    let stored = await readVaultFile(opts);
    if (typeof stored === 'string') {
      locked = stored;
      stored = { version: 1, entries: {} };
    }

    const fromEnv = opts.env[MASTER_KEY_ENV];
    let source: MasterSource = 'file';
    let masterKey: Buffer | undefined;
    if (fromEnv !== undefined && fromEnv !== '') {
      redactor.add(fromEnv);
      if (HEX_KEY.test(fromEnv.trim())) {
        source = 'env-key';
        masterKey = Buffer.from(fromEnv.trim(), 'hex');
      } else {
        source = 'env-passphrase';
        // The salt is made once and kept: a new salt would derive a different key from the same passphrase.
        stored.kdf ??= { name: 'scrypt', salt: randomBytes(16).toString('base64'), ...SCRYPT_PARAMS };
        try {
          if (stored.kdf.name !== 'scrypt')
            throw new Error(`unknown key derivation ${JSON.stringify(stored.kdf.name)}`);
          masterKey = await deriveKey(fromEnv, stored.kdf);
        } catch (error) {
          locked ??= `the master key cannot be derived from the passphrase with the parameters in ${file} (${(error as Error).message})`;
        }
      }
    } else {
      const fromFile = await readMasterKeyFile(opts.masterKeyFile);
      if (typeof fromFile === 'string') locked ??= fromFile;
      else masterKey = fromFile;
    }
    if (masterKey) redactor.add(masterKey.toString('hex'));

    const vault = new Vault(opts, stored, masterKey, source, locked);
    vault.decryptAll();
    if (locked)
      log.warn(
        `The key vault is read-only: ${locked}. Connections that keep their key in the vault have none until this is fixed.`,
        { file },
      );
    return vault;
  }

  /** The key stored for a connection, or undefined when there is none or it cannot be decrypted. */
  get(connectionId: string): string | undefined {
    return this.keys.get(connectionId);
  }

  /**
   * Whether vault.json holds an entry for the connection, readable or not. Use `get()` to know
   * whether the key is usable; `has()` says whether there is something to `delete()`.
   */
  has(connectionId: string): boolean {
    return Object.hasOwn(this.stored.entries, connectionId);
  }

  /**
   * The ids of every entry that starts with `prefix`, readable or not. Entries are keyed by connection
   * id, or by `<connection id>#header:<name>` for a connection's secret header values, so
   * `ids(id + '#')` lists what a connection keeps besides its key.
   */
  ids(prefix = ''): string[] {
    return Object.keys(this.stored.entries).filter((id) => id.startsWith(prefix));
  }

  /** Encrypts and stores a key (replacing any entry, readable or not, for this connection). */
  set(connectionId: string, key: string): Promise<void> {
    // Registered at once: from here on the key is in memory and must never reach a log line. This one
    // registration is the entry's hold once stored; if storing fails it stays registered, which is harmless.
    redactor.add(key);
    return this.queue.run(async () => {
      this.assertWritable();
      const master = await this.ensureMasterKey();
      const entries = { ...this.stored.entries, [connectionId]: encrypt(master, connectionId, key) };
      const next: VaultFile = { ...this.stored, entries };
      await this.write(next, 'the key was not stored');
      this.stored = next;
      const old = this.keys.get(connectionId);
      this.keys.set(connectionId, key);
      this.unreadable.delete(connectionId);
      if (old !== undefined) redactor.remove(old);
    });
  }

  /** Removes a connection's entry (also an unreadable one: the user asked for it). No-op when absent. */
  delete(connectionId: string): Promise<void> {
    return this.queue.run(async () => {
      if (!this.has(connectionId)) return;
      this.assertWritable();
      const { [connectionId]: _removed, ...entries } = this.stored.entries;
      const next: VaultFile = { ...this.stored, entries };
      await this.write(next, 'the key was not removed');
      this.stored = next;
      const old = this.keys.get(connectionId);
      this.keys.delete(connectionId);
      this.unreadable.delete(connectionId);
      if (old !== undefined) redactor.remove(old);
    });
  }

  /** Decrypts every entry it can; reports the others once, without any key material. */
  private decryptAll(): void {
    const ids = Object.keys(this.stored.entries);
    for (const id of ids) {
      const entry = this.stored.entries[id];
      const key = this.masterKey && entry ? decrypt(this.masterKey, id, entry) : undefined;
      if (key === undefined) {
        this.unreadable.add(id);
        continue;
      }
      this.keys.set(id, key);
      redactor.add(key);
    }
    if (this.unreadable.size > 0 && !this.locked) {
      this.opts.log.warn(
        `${this.unreadable.size} of ${ids.length} key(s) in ${this.opts.file} could not be decrypted: ${this.undecryptableCause()}. ` +
          `Those connections have no key until the original master key is back (or their keys are set again); the entries are kept unchanged.`,
        { file: this.opts.file, connections: [...this.unreadable] },
      );
    }
  }

  private undecryptableCause(): string {
    switch (this.source) {
      case 'env-key':
        return `${MASTER_KEY_ENV} is not the key they were encrypted with`;
      case 'env-passphrase':
        return `the passphrase in ${MASTER_KEY_ENV} is not the one they were encrypted with`;
      case 'file':
        if (this.stored.kdf) return `they were encrypted with a passphrase, but ${MASTER_KEY_ENV} is not set`;
        if (!this.masterKey) return `the master key file ${this.opts.masterKeyFile} is missing`;
        return `the master key in ${this.opts.masterKeyFile} is not the one they were encrypted with (or ${MASTER_KEY_ENV} was set when they were stored)`;
    }
  }

  private assertWritable(): void {
    if (this.locked) {
      throw new SwitchboardError(ErrorCode.STORE_FAILED, `The key vault cannot be changed: ${this.locked}.`, {
        hint: `Fix or move aside ${this.opts.file} (or ${this.opts.masterKeyFile}) and restart the daemon, or keep this key in VS Code or an environment variable instead.`,
      });
    }
  }

  /** The master key, creating the master key file on first use (create-only: an existing one is never replaced). */
  private async ensureMasterKey(): Promise<Buffer> {
    if (this.masterKey) return this.masterKey;
    const key = randomBytes(32);
    try {
      await writeFileAtomic(this.opts.masterKeyFile, `${key.toString('hex')}\n`, {
        mode: 0o600,
        exclusive: true,
        fs: this.opts.fs,
      });
      this.masterKey = key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw storeFailed(this.opts.masterKeyFile, error, 'the key was not stored');
      // Someone created it since open(): use theirs.
      const existing = await readMasterKeyFile(this.opts.masterKeyFile);
      if (typeof existing === 'string' || !existing)
        throw storeFailed(this.opts.masterKeyFile, new Error(existing ?? 'it vanished'), 'the key was not stored');
      this.masterKey = existing;
    }
    redactor.add(this.masterKey.toString('hex'));
    return this.masterKey;
  }

  private async write(next: VaultFile, consequence: string): Promise<void> {
    try {
      await writeFileAtomic(this.opts.file, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600, fs: this.opts.fs });
    } catch (error) {
      throw storeFailed(this.opts.file, error, consequence);
    }
  }
}

function encrypt(master: Buffer, connectionId: string, key: string): VaultEntry {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', master, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(connectionId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(key, 'utf8'), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** The plaintext, or undefined when the key, the id (AAD) or the entry itself is wrong. */
function decrypt(master: Buffer, connectionId: string, entry: VaultEntry): string | undefined {
  try {
    const iv = Buffer.from(entry.iv, 'base64');
    const tag = Buffer.from(entry.tag, 'base64');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES || typeof entry.ciphertext !== 'string') return undefined;
    const decipher = createDecipheriv('aes-256-gcm', master, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(connectionId, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(entry.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

function deriveKey(passphrase: string, kdf: VaultKdf): Promise<Buffer> {
  const options: ScryptOptions = { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r };
  return new Promise((resolve, reject) => {
    scryptCallback(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 32, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** The vault file, or a string saying why it cannot be used. A corrupt file is moved aside, not lost. */
async function readVaultFile(opts: VaultOptions): Promise<VaultFile | string> {
  let raw: unknown;
  try {
    raw = await readJsonFile<unknown>(opts.file);
  } catch (error) {
    if (!(error instanceof CorruptFileError)) return `${opts.file} cannot be read (${(error as Error).message})`;
    try {
      const aside = await moveAside(opts.file);
      opts.log.warn(
        `${opts.file} is unreadable (${error.reason}); moved it to ${aside} and started an empty vault. Keys stored in it must be set again.`,
        {
          file: opts.file,
          movedTo: aside,
        },
      );
      return { version: 1, entries: {} };
    } catch (moveError) {
      return `${opts.file} is unreadable (${error.reason}) and could not be moved aside (${(moveError as Error).message})`;
    }
  }
  if (raw === null) return { version: 1, entries: {} };
  if (!isObject(raw) || !isObject(raw.entries)) return `${opts.file} is not a Switchboard key vault`;
  if (raw.version !== 1) {
    return typeof raw.version === 'number' && raw.version > 1
      ? `${opts.file} was written by a newer Switchboard (vault version ${raw.version})`
      : `${opts.file} has an unknown version (${JSON.stringify(raw.version)})`;
  }
  return raw as unknown as VaultFile;
}

/** The master key from its file, undefined when there is no file yet, or a string saying why it is unusable. */
async function readMasterKeyFile(file: string): Promise<Buffer | undefined | string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `the master key file ${file} cannot be read (${(error as Error).message})`;
  }
  const hex = text.trim();
  // Never "repair" a bad key file by writing a new one: every entry depends on the old one.
  if (!HEX_KEY.test(hex)) return `the master key file ${file} does not hold 64 hex characters`;
  return Buffer.from(hex, 'hex');
}

function storeFailed(file: string, error: unknown, consequence: string): SwitchboardError {
  return new SwitchboardError(
    ErrorCode.STORE_FAILED,
    `Could not save ${file}: ${error instanceof Error ? error.message : String(error)}`,
    {
      hint: `Check free disk space and permissions of ${file}; ${consequence}.`,
    },
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
