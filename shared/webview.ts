/**
 * Messages between the extension host and its webviews, as discriminated unions on `type`.
 *
 * Webview bundles run in a browser sandbox: this module (and what it imports) must stay free of
 * runtime code from the protocol, so it imports types only. The host's `switch` over a union ends in
 * `assertNever`, so adding a message without handling it breaks the build.
 */
import type { Connection, CreateConnectionParams, Provider, TestResult, UpdateConnectionParams } from './protocol';

/** Fields the connection manager sends to create a connection; the host decides where the key lives. */
export type ManagerCreateFields = Omit<CreateConnectionParams, 'apiKey' | 'keySource'>;
/** Fields the connection manager sends to change a connection; a new key travels beside them. */
export type ManagerUpdateFields = Omit<UpdateConnectionParams, 'apiKey' | 'keySource'>;
/** An unsaved connection as typed in the form, tested with the key typed (if any). */
export type ManagerDraft = Omit<CreateConnectionParams, 'name' | 'keySource'> & { name?: string };

/** What to test: the form's draft (with the key typed) or a saved connection by id (its stored key). */
export type ManagerTestTarget = { draft: ManagerDraft } | { id: string };

/** Connection manager webview → extension host. */
export type ManagerToHost =
  /** The page's script is running and listening; the host answers with `init`. */
  | { type: 'ready' }
  /** Run `connections/test`; answered by `testResult` or `error` with the same `requestId`. */
  | { type: 'test'; requestId: number; target: ManagerTestTarget }
  /** Create a connection; `apiKey` goes to SecretStorage and the daemon's memory, never to disk. */
  | { type: 'create'; requestId: number; fields: ManagerCreateFields; apiKey?: string }
  /** Change a connection in place; `apiKey` replaces its key ("Replace key"). */
  | { type: 'update'; requestId: number; fields: ManagerUpdateFields; apiKey?: string }
  /** Delete a connection after the host asks the person to confirm. */
  | { type: 'delete'; requestId: number; id: string; name: string }
  /** Fill the default-model list of a saved connection from `models/list`. */
  | { type: 'loadModels'; connectionId: string };

/** A failure the form can place: next to `field` when the daemon named one, else in the banner. */
export interface ManagerError {
  message: string;
  /** What a person can do about it. */
  hint?: string;
  /** Stable code (`DUPLICATE_NAME`, `VALIDATION`, …) or the JSON-RPC number as a string. */
  code?: string;
  /** A protocol field name (`name`, `baseUrl`, `headers`, …), without any `draft.` prefix. */
  field?: string;
}

/** Extension host → connection manager webview. */
export type HostToManager =
  /** Everything the form needs; `selectId` opens that connection for editing. */
  | { type: 'init'; providers: Provider[]; connections: Connection[]; selectId?: string }
  /** The connection list changed (here or in another client). */
  | { type: 'connections'; connections: Connection[] }
  /** Open a connection for editing (the panel was asked to show it), or a blank form (`null`). */
  | { type: 'select'; connectionId: string | null }
  | { type: 'testResult'; requestId: number; result: TestResult }
  | { type: 'saved'; requestId: number; connection: Connection }
  | { type: 'deleted'; requestId: number; id: string }
  /** The person declined the delete confirmation. */
  | { type: 'cancelled'; requestId: number }
  | { type: 'models'; connectionId: string; models: string[] }
  /** A request failed (`requestId` set) or the daemon is unavailable (no `requestId`). */
  | { type: 'error'; requestId?: number; error: ManagerError };

/** Ends a `switch` over a union: a missing case is a compile error, an unknown value at run time throws. */
export function assertNever(value: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(value)}`);
}
