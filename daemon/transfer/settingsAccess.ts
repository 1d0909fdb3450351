/** Settings as import reads and changes them: the same store write, audit entry and reschedule as `settings/update`. */
import type { Settings } from '../../shared/protocol';
import type { AuditLog } from '../store/auditLog';
import type { Database } from '../store/database';
import type { TransferDeps } from './deps';

export function settingsAccess(db: Database, audit: AuditLog, onChanged: () => void): TransferDeps['settings'] {
  return {
    get: () => ({ ...db.data.settings }),
    async update(patch: Partial<Settings>, actor: string): Promise<Settings> {
      const settings = await db.update((data) => {
        if (patch.testIntervalHours !== undefined) data.settings.testIntervalHours = patch.testIntervalHours;
        if (patch.modelsCacheMinutes !== undefined) data.settings.modelsCacheMinutes = patch.modelsCacheMinutes;
        return { ...data.settings };
      });
      await audit.append({ client: actor, action: 'settingsUpdate', details: { fields: Object.keys(patch), via: 'import' } });
      onChanged();
      return settings;
    },
  };
}
