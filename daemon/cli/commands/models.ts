/** `switchboard models <connection> [--refresh]`. */
import { isModelAllowed, ModelsList } from '../../../shared/protocol';
import { bool, positionals } from '../args';
import type { Group } from '../context';
import { EXIT } from '../exitCodes';

export const modelsGroup: Group = {
  name: 'models',
  summary: "List a connection's models",
  commands: [
    {
      name: '',
      summary: "List a connection's models (cached; --refresh asks the provider again)",
      usage: 'models <connection> [--refresh]',
      flags: [
        { name: 'refresh', type: 'boolean', description: 'Fetch the list from the provider instead of the cache' },
      ],
      async run(ctx, parsed) {
        const [ref] = positionals(parsed, ['connection'], this.usage);
        const connection = await ctx.connection(ref!);
        const client = await ctx.client();
        const spinner = ctx.out.spinner(`Fetching models of ${connection.name}…`);
        let result;
        try {
          result = await client.request(
            ModelsList,
            { connectionId: connection.id, ...(bool(parsed.values, 'refresh') && { refresh: true }) },
            { timeoutMs: 120_000 },
          );
        } finally {
          spinner.stop();
        }
        // A model outside allowedModels is listed (the provider offers it) but marked: a chat with it is refused.
        const allowed = connection.allowedModels;
        ctx.out.data({
          connection: { id: connection.id, name: connection.name, ...(allowed && { allowedModels: allowed }) },
          ...result,
          models: result.models.map((m) => (isModelAllowed(allowed, m.id) ? m : { ...m, allowed: false })),
        });
        if (result.stale) {
          ctx.out.warn(
            `this is the last list fetched${result.fetchedAt ? ` (${result.fetchedAt})` : ''}: ${result.error?.message ?? 'the provider could not be reached'}`,
          );
          if (result.error?.hint) ctx.out.note(`hint: ${result.error.hint}`);
        }
        if (result.models.length === 0) {
          ctx.out.line(`${connection.name} offers no models.`);
          return EXIT.OK;
        }
        const hasOwner = result.models.some((m) => m.ownedBy);
        const hasName = result.models.some((m) => m.displayName && m.displayName !== m.id);
        ctx.out.table(
          ['MODEL', ...(hasName ? ['NAME'] : []), ...(hasOwner ? ['OWNED BY'] : []), 'CREATED'],
          result.models.map((m) => [
            m.id === connection.defaultModel
              ? `${m.id} ${ctx.out.paint('cyan', '(default)')}`
              : isModelAllowed(allowed, m.id)
                ? m.id
                : `${m.id} ${ctx.out.paint('dim', '(not allowed)')}`,
            ...(hasName ? [m.displayName ?? ''] : []),
            ...(hasOwner ? [m.ownedBy ?? ''] : []),
            m.created ? m.created.slice(0, 10) : '',
          ]),
        );
        if (allowed) {
          const usable = result.models.filter((m) => isModelAllowed(allowed, m.id)).length;
          ctx.out.note(
            `${connection.name} allows only ${allowed.length === 0 ? 'no model' : allowed.join(', ')} (allowedModels): ${usable} of the ${result.models.length} listed can be used; change it with connections edit ${connection.name} --allowed-models …`,
          );
        }
        return EXIT.OK;
      },
    },
  ],
};
