/** The owner of the store's `settings` slice: daemon-wide settings, read and changed only here. */
import type { Loose } from '../../shared/definedOnly';
import type { Settings } from '../../shared/protocol';
import type { Database } from '../store/database';

/** The settings `settings/update` may change; fields not given (or undefined, as parsed params type them) keep their value. */
export type SettingsPatch = Loose<Partial<Settings>>;

export class SettingsStore {
  constructor(private readonly db: Database) {}

  /** A copy of the current settings. */
  get(): Settings {
    return { ...this.db.data.settings };
  }

  /** Applies the fields given (written at once) and returns the settings after the change. */
  update(patch: SettingsPatch): Promise<Settings> {
    return this.db.update((data) => {
      if (patch.testIntervalHours !== undefined) data.settings.testIntervalHours = patch.testIntervalHours;
      if (patch.modelsCacheMinutes !== undefined) data.settings.modelsCacheMinutes = patch.modelsCacheMinutes;
      return { ...data.settings };
    });
  }
}
