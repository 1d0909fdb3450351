/**
 * How a person names a connection, everywhere one is named by text (the CLI's `<connection>`
 * arguments and `--fallback`, the `<connection>/<model>` of the HTTP API): by its id or by its
 * name. One rule, here, so that no two places can pick different connections for the same text:
 *
 * 1. a connection whose id is exactly the text;
 * 2. else a connection whose name is the text, without regard to case;
 * 3. when the text is one connection's id AND another's name, neither: the match is ambiguous and
 *    the caller refuses it, naming both (only connections stored before names shaped like ids were
 *    refused can be in this state; renaming one ends it).
 *
 * New names shaped like ids are refused ({@link looksLikeConnectionId}), so 3 cannot arise anew.
 *
 * Pure and import-free (keep it so): the daemon, the CLI and the connection manager's page (a
 * browser bundle) all use it.
 */

/** What the daemon's ids look like: `conn_` and hex digits (it makes `conn_` + 12). Any case: names compare without regard to case. */
const CONNECTION_ID_SHAPE = /^conn_[0-9a-f]+$/i;

/** Whether `text` has the shape of a connection id, which a connection's name must not have. */
export function looksLikeConnectionId(text: string): boolean {
  return CONNECTION_ID_SHAPE.test(text.trim());
}

/** Why a name is refused when it looks like an id; the same words in the daemon, the CLI and the form. */
export const ID_SHAPED_NAME_PROBLEM =
  'must not look like a connection id ("conn_" followed by hex digits): commands that take a name or an id could then pick another connection';

/** The least a connection reference needs. */
export interface NamedConnection {
  id: string;
  name: string;
}

/** What a reference matched. */
export type ConnectionMatch<T extends NamedConnection> =
  | { kind: 'id' | 'name'; connection: T }
  /** The text is `byId`'s id and `byName`'s name: refuse, naming both. */
  | { kind: 'ambiguous'; byId: T; byName: T }
  | { kind: 'none' };

/** The connection `ref` names under the rule above. */
export function matchConnection<T extends NamedConnection>(ref: string, connections: readonly T[]): ConnectionMatch<T> {
  const byId = connections.find((c) => c.id === ref);
  const lower = ref.toLocaleLowerCase();
  const byName = connections.find((c) => c.name.toLocaleLowerCase() === lower);
  if (byId && byName && byId !== byName && byId.id !== byName.id) return { kind: 'ambiguous', byId, byName };
  if (byId) return { kind: 'id', connection: byId };
  if (byName) return { kind: 'name', connection: byName };
  return { kind: 'none' };
}

/** The sentence that refuses an ambiguous reference, and what to type instead. */
export function ambiguousConnectionMessage(
  ref: string,
  byId: NamedConnection,
  byName: NamedConnection,
): { message: string; hint: string } {
  return {
    message: `"${ref}" is both the id of connection "${byId.name}" and the name of another connection (id ${byName.id}), so it names neither.`,
    hint: `Use the id of the one you mean: ${byId.id} for "${byId.name}", ${byName.id} for the one named "${byName.name}". Then rename the latter so its name no longer looks like an id (e.g. \`switchboard connections edit ${byName.id} --name NEW-NAME\`).`,
  };
}
