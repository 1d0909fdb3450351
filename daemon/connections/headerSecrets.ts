/**
 * A connection's secret header values in the vault, under `<connection id>#header:<lowercased name>`.
 * The vault encrypts them with that id as additional data (an entry copied to another connection or
 * header does not decrypt) and registers every value with the redactor while it holds it, exactly
 * like an API key. Used for every connection, whatever its `keySource`: the vault exists in every home.
 */
import type { Vault } from '../keys/vault';
import type { StoredConnection } from '../store/schema';
import { headerVaultId, headerVaultPrefix } from './secretHeaders';

export class HeaderSecrets {
  constructor(private readonly vault: Vault) {}

  /** The stored value of one secret header, or undefined when missing or unreadable. */
  get(connectionId: string, name: string): string | undefined {
    return this.vault.get(headerVaultId(connectionId, name));
  }

  /**
   * The real values of a stored connection's secret headers, by lowercased name; a header whose value
   * is missing or unreadable is absent from the map.
   */
  valuesFor(conn: Pick<StoredConnection, 'id' | 'secretHeaders'>): Map<string, string> {
    const out = new Map<string, string>();
    for (const name of conn.secretHeaders ?? []) {
      const value = this.get(conn.id, name);
      if (value !== undefined) out.set(name.toLowerCase(), value);
    }
    return out;
  }

  /**
   * Stores values (by lowercased name) and returns how to put back what was there before, for when
   * the record write that follows fails. If one write fails, those before it are put back first.
   */
  async store(connectionId: string, values: ReadonlyMap<string, string>): Promise<() => Promise<void>> {
    const previous = new Map<string, string | undefined>();
    const undo = async () => {
      for (const [lower, value] of previous) {
        if (value === undefined) await this.vault.delete(headerVaultId(connectionId, lower));
        else await this.vault.set(headerVaultId(connectionId, lower), value);
      }
    };
    try {
      for (const [lower, value] of values) {
        previous.set(lower, this.get(connectionId, lower));
        await this.vault.set(headerVaultId(connectionId, lower), value);
      }
    } catch (error) {
      await undo().catch(() => undefined);
      throw error;
    }
    return undo;
  }

  /** Removes the entries of these lowercased names. */
  async forget(connectionId: string, lowerNames: readonly string[]): Promise<void> {
    for (const lower of lowerNames) await this.vault.delete(headerVaultId(connectionId, lower));
  }

  /** Removes every header entry of a connection, readable or not, listed in its record or not. */
  async forgetAll(connectionId: string): Promise<void> {
    for (const id of this.vault.ids(headerVaultPrefix(connectionId))) await this.vault.delete(id);
  }

  /** Vault ids of header entries, for the startup pass that removes orphans. */
  allIds(): string[] {
    return this.vault.ids().filter((id) => id.includes('#header:'));
  }

  /** Deletes one entry by its vault id. */
  deleteId(id: string): Promise<void> {
    return this.vault.delete(id);
  }

  /** Stores one value by connection and header name (the startup pass). */
  set(connectionId: string, name: string, value: string): Promise<void> {
    return this.vault.set(headerVaultId(connectionId, name), value);
  }
}
