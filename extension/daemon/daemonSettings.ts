/**
 * Settings that concern the daemon: a changed home or transport reconnects; turning autoStart on
 * retries at once; the auto-test interval, when the user set one, is pushed to the daemon
 * (`settings/update`) on every connect and change. Windows with no explicit interval never push,
 * so they do not overwrite another tool's choice.
 */
import * as vscode from 'vscode';
import { SettingsGet, SettingsUpdate } from '../../shared/protocol';
import { affects, explicitAutoTestInterval, Settings } from '../config';
import type { Log } from '../log';
import type { DaemonConnection, DaemonRequester } from './daemonConnection';

export function syncDaemonSettings(daemon: DaemonConnection, log: Log): vscode.Disposable {
  const pushInterval = async (requester: DaemonRequester): Promise<void> => {
    const hours = explicitAutoTestInterval();
    if (hours === undefined) return;
    const { settings } = await requester.request(SettingsGet, {});
    if (settings.testIntervalHours === hours) return;
    await requester.request(SettingsUpdate, { testIntervalHours: hours });
    log.info(`Set the daemon's auto-test interval to ${hours === 0 ? 'off' : `${hours} h`}.`);
  };
  return vscode.Disposable.from(
    daemon.registerConnectHook(pushInterval),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affects(event, Settings.daemonHome, Settings.transport)) {
        log.info('The daemon settings changed; reconnecting.');
        daemon.reconnect();
      } else if (affects(event, Settings.autoStart)) {
        daemon.retryNow();
      }
      if (affects(event, Settings.autoTestIntervalHours) && daemon.state === 'connected') {
        pushInterval(daemon).catch((error) => log.warn('Could not set the auto-test interval', error));
      }
    }),
  );
}
