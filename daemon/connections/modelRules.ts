/**
 * A connection's default model must be one of its allowed models: otherwise every chat that names
 * no model (the usual case) is refused with MODEL_NOT_ALLOWED, long after the mistake was made.
 * Checked where the two meet, on create and update, with the field the request changed named.
 */
import { isModelAllowed } from '../../shared/protocol';
import type { StoredConnection } from '../store/schema';
import { validationError } from './errors';

/**
 * Throws VALIDATION when `record`'s default model is outside its allowed models. `changed` says which
 * of the two the request set, so the message names what the person just typed.
 */
export function checkDefaultModelAllowed(
  record: Pick<StoredConnection, 'defaultModel' | 'allowedModels'>,
  changed: 'defaultModel' | 'allowedModels',
): void {
  const { defaultModel, allowedModels } = record;
  if (defaultModel === undefined || isModelAllowed(allowedModels, defaultModel)) return;
  const listed = allowedModels!.length > 0 ? allowedModels!.join(', ') : '(none)';
  const message =
    changed === 'defaultModel'
      ? `"${defaultModel}" is not one of the connection's allowedModels (${listed}), so every chat that names no model would be refused.`
      : `the list leaves out the connection's default model "${defaultModel}", so every chat that names no model would be refused.`;
  throw validationError(
    changed,
    message,
    `Add "${defaultModel}" to allowedModels, or pick a default model from them (in the same change, if need be).`,
  );
}
