/**
 * One URL path segment built from input (a model id, an Azure deployment name). The SDKs paste such
 * values into a path as text, so `../../x` or `a?x=` would steer the request, and the key sent
 * with it, to another path of the same host. Every path segment an adapter builds from input goes
 * through here.
 */
import { ErrorCode, SwitchboardError } from '../../shared/errors';

/**
 * `value` percent-encoded as a single path segment (`/`, `?`, `#`, `%` and the rest encoded).
 * `.` and `..` are refused: URL parsers resolve them (also as `%2e%2e`) however they are encoded.
 */
export function pathSegment(value: string, field: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw new SwitchboardError(ErrorCode.VALIDATION, `${field}: "${value}" cannot name a deployment or model.`, {
      hint: `Use the ${field} as the provider spells it (e.g. the deployment name from the Azure portal).`,
      field,
    });
  }
  return encodeURIComponent(value);
}
