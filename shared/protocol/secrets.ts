/** `secrets/*`: how an editor hands a key it keeps (VS Code SecretStorage) to the daemon's memory. */
import { z } from 'zod';
import { ApiKey, Id } from './fields';
import type { Connection } from './connections';

/** Params of `secrets/set`. */
export const SecretsSetParams = z.strictObject({ connectionId: Id, apiKey: ApiKey });
/** Params of `secrets/clear`. */
export const SecretsClearParams = z.strictObject({ connectionId: Id });
