/** `settings/*`: daemon-wide settings (see settings/settingsStore.ts). */
import { SettingsGet, SettingsUpdate } from '../../shared/protocol';
import type { SettingsStore } from '../settings/settingsStore';
import type { AuditLog } from '../store/auditLog';
import type { Router } from './router';

export interface SettingsHandlerDeps {
  settings: SettingsStore;
  audit: AuditLog;
  /** Told after a change (the test scheduler re-plans its next run). */
  onSettingsChanged(): void;
}

export function registerSettingsHandlers(router: Router, deps: SettingsHandlerDeps): void {
  router.on(SettingsGet, () => ({ settings: deps.settings.get() }));
  router.on(SettingsUpdate, async (params, { session }) => {
    const settings = await deps.settings.update(params);
    await deps.audit.append({
      client: session.clientName,
      action: 'settingsUpdate',
      details: { fields: Object.keys(params) },
    });
    deps.onSettingsChanged();
    return { settings };
  });
}
