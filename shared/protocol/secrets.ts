/** `secrets/*`: how an editor hands a key it keeps (VS Code SecretStorage) to the daemon's memory. */
import { z } from 'zod';
import { ApiKey, Id } from './fields';
import { request, result } from './rpc';
import type { Connection } from './connections';

/** Gives the daemon a key to hold in memory only; the connection's `keySource` becomes `memory`. */
export const SecretsSet = request('secrets/set', z.strictObject({ connectionId: Id, apiKey: ApiKey }), result<{ connection: Connection }>());
/** Forgets a connection's key wherever the daemon keeps it (memory or vault). */
export const SecretsClear = request('secrets/clear', z.strictObject({ connectionId: Id }), result<{ connection: Connection }>());
