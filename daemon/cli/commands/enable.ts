/** `switchboard connections enable|disable <connection>`: the connection's on/off switch. */
import { ConnectionsUpdate } from '../../../shared/protocol';
import { positionals } from '../args';
import type { Command } from '../context';
import { EXIT } from '../exitCodes';

export function enableCommand(which: 'enable' | 'disable'): Command {
  const on = which === 'enable';
  return {
    name: which,
    summary: on
      ? 'Switch a connection back on'
      : 'Switch a connection off: requests, routes and fallbacks pass it over',
    usage: `connections ${which} <connection>`,
    ...(!on && {
      details:
        'A disabled connection keeps its key and settings. A request that names it fails with CONNECTION_DISABLED;\nfallback chains skip it; it is not tested on schedule and not listed by /v1/models.',
    }),
    flags: [],
    async run(ctx, parsed) {
      const [ref] = positionals(parsed, ['connection'], this.usage);
      const target = await ctx.connection(ref!);
      const client = await ctx.client();
      const { connection } = await client.request(ConnectionsUpdate, { id: target.id, enabled: on });
      ctx.out.data({ connection });
      ctx.out.line(`${connection.name} is ${on ? 'enabled' : 'disabled'}.`);
      return EXIT.OK;
    },
  };
}
