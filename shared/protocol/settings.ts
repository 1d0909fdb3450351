/** `settings/*`: daemon-wide settings kept in the store. */
import { z } from 'zod';

/** Daemon-wide settings. */
export interface Settings {
  /** Hours between automatic tests of every connection; 0 turns them off. */
  testIntervalHours: number;
  /** Minutes a model list stays fresh. */
  modelsCacheMinutes: number;
}
/** Params of `settings/update`. */
export const SettingsUpdateParams = z.strictObject({
  testIntervalHours: z
    .number()
    .min(0)
    .max(24 * 365)
    .optional(),
  modelsCacheMinutes: z
    .number()
    .min(0)
    .max(60 * 24 * 30)
    .optional(),
});
