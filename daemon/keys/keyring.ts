/**
 * Where a connection's key comes from, decided by its `keySource`, in one place:
 * - `vault`: the daemon's encrypted vault;
 * - `memory`: pushed by a client (`secrets/set`, e.g. from VS Code SecretStorage) and held in this
 *   process only, so it is gone after a restart until the client pushes it again;
 * - `env:NAME`: read from the environment at each use, so a changed variable takes effect without
 *   touching the store;
 * - `none`: no key (local servers such as Ollama).
 *
 * Every key it hands out is registered with the redactor (counted per holder) first, so no code path that later logs or
 * echoes it can leak it.
 */
import type { KeySource } from '../../shared/protocol';
import { redactor } from '../redactor';
import type { Vault } from './vault';

/** What the keyring needs to know about a connection. */
export interface KeyedConnection {
  id: string;
  keySource: KeySource;
}

export class Keyring {
  private readonly memory = new Map<string, string>();
  /** Environment values already registered with the redactor. */
  private readonly envValues = new Set<string>();

  constructor(
    private readonly vault: Vault,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The key to send for this connection, or undefined when none is held (or none is needed). */
  resolve(conn: KeyedConnection): string | undefined {
    const source = conn.keySource;
    if (source === 'vault') return this.vault.get(conn.id);
    if (source === 'memory') return this.memory.get(conn.id);
    if (source === 'none') return undefined;
    const name = envName(source);
    if (name === undefined) return undefined;
    const value = this.env[name];
    // An empty variable is an unset key, not a key of length zero.
    if (value === undefined || value === '') return undefined;
    // Held for the life of the process (the variable does not go away), counted once per value.
    if (!this.envValues.has(value)) {
      this.envValues.add(value);
      redactor.add(value);
    }
    return value;
  }

  /** Holds a key in memory for a `memory` connection (replacing any previous one). */
  setMemory(connectionId: string, key: string): void {
    redactor.add(key);
    const old = this.memory.get(connectionId);
    this.memory.set(connectionId, key);
    if (old !== undefined) redactor.remove(old);
  }

  /** Forgets a connection's in-memory key. No-op when there is none. */
  clearMemory(connectionId: string): void {
    const old = this.memory.get(connectionId);
    if (old === undefined) return;
    this.memory.delete(connectionId);
    redactor.remove(old);
  }

  /** Whether a request on this connection has what it needs: a key, or no need for one (`none`). */
  isAvailable(conn: KeyedConnection): boolean {
    return conn.keySource === 'none' || this.resolve(conn) !== undefined;
  }
}

/** `env:OPENAI_API_KEY` → `OPENAI_API_KEY`; undefined for anything else. */
function envName(source: string): string | undefined {
  return source.startsWith('env:') && source.length > 4 ? source.slice(4) : undefined;
}
