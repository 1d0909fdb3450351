/** `events/subscribe`: which notifications a client receives. */
import { EventName, EventsSubscribe } from '../../shared/protocol';
import type { Router } from './router';

export function registerEventHandlers(router: Router): void {
  router.on(EventsSubscribe, (params, { session }) => {
    const wanted = params?.events ?? EventName.options;
    for (const e of wanted) session.subscriptions.add(e);
    return { events: [...session.subscriptions] };
  });
}
