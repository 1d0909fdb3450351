/** `events/subscribe`, `audit/list` and `settings/*`: the small read/notify methods. */
import { AuditList, EventName, EventsSubscribe, SettingsGet, SettingsUpdate } from '../../shared/protocol';
import type { DaemonContext } from '../context';
import type { Router } from './router';

export function registerEventHandlers(router: Router, ctx: DaemonContext, hooks: { onSettingsChanged(): void }): void {
  router.on(EventsSubscribe, (params, { session }) => {
    const wanted = params?.events ?? EventName.options;
    for (const e of wanted) session.subscriptions.add(e);
    return { events: [...session.subscriptions] };
  });

  router.on(AuditList, async (params) => ({ entries: await ctx.audit.list(params?.limit ?? 100) }));

  router.on(SettingsGet, () => ({ settings: { ...ctx.db.data.settings } }));
  router.on(SettingsUpdate, async (params, { session }) => {
    const settings = await ctx.db.update((db) => {
      if (params.testIntervalHours !== undefined) db.settings.testIntervalHours = params.testIntervalHours;
      if (params.modelsCacheMinutes !== undefined) db.settings.modelsCacheMinutes = params.modelsCacheMinutes;
      return { ...db.settings };
    });
    await ctx.audit.append({ client: session.clientName, action: 'settingsUpdate', details: { fields: Object.keys(params) } });
    hooks.onSettingsChanged();
    return { settings };
  });
}
