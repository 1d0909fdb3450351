/** Settings as import reads and changes them: through the settings' owner, with the same audit entry and reschedule as `settings/update`. */
import type { Settings } from '../../shared/protocol';
import type { SettingsPatch, SettingsStore } from '../settings/settingsStore';
import type { AuditLog } from '../store/auditLog';
import type { TransferDeps } from './deps';

export function settingsAccess(
  settings: SettingsStore,
  audit: AuditLog,
  onChanged: () => void,
): TransferDeps['settings'] {
  return {
    get: () => settings.get(),
    async update(patch: SettingsPatch, actor: string): Promise<Settings> {
      const after = await settings.update(patch);
      await audit.append({
        client: actor,
        action: 'settingsUpdate',
        details: { fields: Object.keys(patch), via: 'import' },
      });
      onChanged();
      return after;
    },
  };
}
