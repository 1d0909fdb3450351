/** `switchboard key set <connection> [--memory]` and `key clear <connection>`. */
import { ConnectionsUpdate, SecretsClear, SecretsSet } from '../../../shared/protocol';
import { bool, UsageError, type Parsed } from '../args';
import type { Group } from '../context';
import { EXIT } from '../exitCodes';
import { promptKey, readKeyFromStdin, stdinIsTTY } from '../prompt';

/** The one connection argument; a second word is refused without echoing it (it may be a key). */
function connectionArg(parsed: Parsed, usage: string): string {
  if (parsed.positionals.length > 1) {
    throw new UsageError(
      'key set takes no key on the command line: it would be visible in `ps` and saved in shell history.',
      'Run `switchboard key set <connection>` and paste the key at the hidden prompt, or pipe it in: `printenv OPENAI_API_KEY | switchboard key set <connection>`.',
    );
  }
  if (parsed.positionals.length === 0) throw new UsageError('Missing <connection>.', `Usage: switchboard ${usage}`);
  return parsed.positionals[0]!;
}

export const keyGroup: Group = {
  name: 'key',
  summary: "Set or clear a connection's API key",
  commands: [
    {
      name: 'set',
      summary: 'Store a key (hidden prompt on a terminal, else read from stdin)',
      usage: 'key set <connection> [--memory]',
      details:
        "The key is stored encrypted in the daemon's vault, or with --memory held in the daemon's memory only (gone when it restarts). It is never read from the command line.",
      flags: [
        { name: 'memory', type: 'boolean', description: "Keep the key in the daemon's memory only, not in the vault" },
      ],
      async run(ctx, parsed) {
        const ref = connectionArg(parsed, this.usage);
        const target = await ctx.connection(ref);
        const apiKey = stdinIsTTY() ? await promptKey(target.name) : await readKeyFromStdin();
        const client = await ctx.client();
        const memory = bool(parsed.values, 'memory');
        const { connection } = memory
          ? await client.request(SecretsSet, { connectionId: target.id, apiKey })
          : await client.request(ConnectionsUpdate, { id: target.id, keySource: 'vault', apiKey });
        ctx.out.data({ connection });
        ctx.out.line(
          `Stored the key ${connection.keyHint ?? ''} (fingerprint ${connection.keyFingerprint ?? '?'}) for ${connection.name} ${memory ? "in the daemon's memory" : 'in the vault'}.`,
        );
        return EXIT.OK;
      },
    },
    {
      name: 'clear',
      summary: 'Forget the key the daemon holds for a connection',
      usage: 'key clear <connection>',
      flags: [],
      async run(ctx, parsed) {
        const ref = connectionArg(parsed, this.usage);
        const target = await ctx.connection(ref);
        const { connection } = await (await ctx.client()).request(SecretsClear, { connectionId: target.id });
        ctx.out.data({ connection });
        ctx.out.line(`Cleared the key of ${connection.name}.`);
        return EXIT.OK;
      },
    },
  ],
};
