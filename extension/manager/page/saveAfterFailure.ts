/**
 * Saving right after a failed test: the page asks "Save anyway?" first, then says what was saved and
 * what is still wrong — once, in a sentence, not as a red banner repeating the test's reason. Pure.
 */
import type { TestResult } from '../../../shared/protocol';

/** What the failed test means for the person, in a few words ("the key was rejected"). */
export function failureInWords(result: TestResult): string {
  const failed = result.stages.find((s) => s.status === 'error');
  if (failed?.name === 'authentication')
    return /^No API key/.test(result.summary) ? 'it has no API key' : 'the key was rejected';
  if (failed?.name === 'connectivity') return 'the server could not be reached';
  return `the test failed (${result.summary})`;
}

/** The question under the buttons before saving a connection whose test just failed. */
export function saveAnywayQuestion(result: TestResult): string {
  return `The test just failed: ${failureInWords(result)}. Save anyway?`;
}

/** The status after saving despite the failed test. */
export function savedDespite(name: string, result: TestResult): string {
  return `Saved "${name}" — but ${failureInWords(result)}.`;
}
