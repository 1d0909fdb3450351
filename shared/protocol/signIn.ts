/**
 * `connections/signIn`: finishes a provider's browser sign-in (OAuth PKCE) inside the daemon. The
 * client runs the browser part (PKCE pair, state check, callback) and sends the code with its
 * verifier; the daemon exchanges them for a key and stores it in its vault, so the key never passes
 * through the client. VS Code, which keeps its keys in SecretStorage, exchanges the code itself with
 * the same shared code (shared/oauth) instead.
 */
import { z } from 'zod';
import { Id, ModelId } from './fields';
import { CreateConnectionParams, type ConnectionResult } from './connections';

/** Providers with a browser sign-in. */
export const SignInProvider = z.enum(['openrouter']);

/** Params of `connections/signIn`: a new connection (`name`) or an existing one to give the new key (`connectionId`). */
export const SignInParams = z
  .strictObject({
    provider: SignInProvider,
    /** The `code` the browser came back with. */
    code: z.string().min(1, 'must not be empty').max(4096),
    /** The PKCE verifier whose S256 challenge started the sign-in. */
    codeVerifier: z
      .string()
      .min(43, 'must be at least 43 characters (RFC 7636)')
      .max(128, 'must be at most 128 characters (RFC 7636)'),
    name: CreateConnectionParams.shape.name.optional(),
    defaultModel: ModelId.optional(),
    isDefault: z.boolean().optional(),
    connectionId: Id.optional(),
  })
  .refine((p) => (p.name === undefined) !== (p.connectionId === undefined), {
    message: 'give either name (a new connection) or connectionId (a new key for it), not both',
    path: ['name'],
  });
/** Params of `connections/signIn`. */
export type SignInParams = z.infer<typeof SignInParams>;
