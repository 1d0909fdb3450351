/**
 * The words of the notification a scheduled test raises when it turns a connection yellow or red
 * (the daemon sends `connections/statusChanged` once per change). Pure, so it is unit-tested;
 * statusWarnings.ts shows it.
 */
import type { ConnectionsStatusChangedParams } from '../../shared/protocol';

/** Whether a status change deserves a notification: a scheduled test found a problem nobody asked about. */
export function shouldNotify(change: ConnectionsStatusChangedParams): boolean {
  return change.trigger === 'scheduled' && (change.status === 'warning' || change.status === 'error');
}

export function statusChangeMessage(change: ConnectionsStatusChangedParams): string {
  const failing =
    change.result.stages.find((s) => s.status === 'error') ?? change.result.stages.find((s) => s.status === 'warning');
  const what = change.status === 'error' ? 'is failing' : 'has a warning';
  const since =
    change.previous === undefined
      ? ''
      : change.previous === 'ok'
        ? ' (it worked before)'
        : change.previous === 'warning'
          ? ' (it had a warning before)'
          : '';
  const reason = failing ? `${failing.name}: ${failing.reason}` : change.result.summary;
  return `Switchboard: the scheduled test of "${change.name}" found that it ${what}${since}. ${reason}`;
}
