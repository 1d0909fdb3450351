/** The CLI's exit codes, and the one place an error is turned into one. */
import { DaemonUnavailableError, ErrorCode, RpcError, SwitchboardError } from '../../shared/client';
import { JsonRpcCode } from '../../shared/protocol';
import { UsageError } from './args';
import { InterruptedError } from './prompt';

export const EXIT = {
  /** It worked. */
  OK: 0,
  /** The operation failed: an upstream error, a test with status error, a refused change. */
  FAILED: 1,
  /** The command was called wrongly: unknown flag, missing argument, invalid value. */
  USAGE: 2,
  /** The daemon is not running (daemon status) or could not be reached or started. */
  DAEMON_UNAVAILABLE: 3,
  /** The connection named does not exist, or none was named and there is no default. */
  NOT_FOUND: 4,
  /** Interrupted with Ctrl+C. */
  INTERRUPTED: 130,
} as const;

/** For `switchboard --help`. */
export const EXIT_HELP = `Exit codes:
  0    success
  1    the operation failed (upstream error, a test with status error, a refused change)
  2    usage error (unknown flag, missing or invalid argument)
  3    the daemon is not running or cannot be reached or started
  4    not found (no such connection; no connection named and no default)
  130  interrupted (Ctrl+C)`;

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.USAGE;
  if (error instanceof InterruptedError) return EXIT.INTERRUPTED;
  // Before SwitchboardError: a DaemonUnavailableError is one (UNREACHABLE), but an upstream UNREACHABLE is not this.
  if (error instanceof DaemonUnavailableError) return EXIT.DAEMON_UNAVAILABLE;
  if (error instanceof SwitchboardError) {
    switch (error.code) {
      case ErrorCode.CONNECTION_NOT_FOUND:
      case ErrorCode.NO_CONNECTION:
      case ErrorCode.PROVIDER_NOT_FOUND:
      case ErrorCode.TOKEN_NOT_FOUND:
        return EXIT.NOT_FOUND;
      case ErrorCode.VALIDATION:
        return EXIT.USAGE;
      default:
        return EXIT.FAILED;
    }
  }
  if (error instanceof RpcError && error.code === JsonRpcCode.InvalidParams) return EXIT.USAGE;
  return EXIT.FAILED;
}
