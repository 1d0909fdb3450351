/** Awaiting an expected failure: the typed error it rejected with, or a test failure when it did not. */
import { SwitchboardError } from '../../shared/errors';

/** Fails unless `promise` rejects with a SwitchboardError; returns it. */
export async function failure(promise: Promise<unknown>): Promise<SwitchboardError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SwitchboardError) return error;
    throw error;
  }
  throw new Error('expected a SwitchboardError');
}
