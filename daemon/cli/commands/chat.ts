/**
 * `switchboard chat [-c connection] [-m model] "prompt"`: streams the answer to stdout as it
 * arrives. Piped stdin is the prompt, or — with a prompt argument too — context appended after it.
 * Ctrl+C cancels the stream (chat/cancel) and exits 130.
 */
import { ErrorCode, SwitchboardError } from '../../../shared/client';
import type { ChatMessage, ChatOptions } from '../../../shared/protocol';
import { int, num, str, UsageError, type Values } from '../args';
import type { Group } from '../context';
import { EXIT } from '../exitCodes';
import { InterruptedError, readStdin, stdinIsTTY } from '../prompt';

function chatOptions(values: Values): ChatOptions | undefined {
  const options: ChatOptions = {};
  const system = str(values, 'system');
  const temperature = num(values, 'temperature', 0, 2);
  const maxTokens = int(values, 'max-tokens', 1, 1_000_000);
  if (system !== undefined) options.system = system;
  if (temperature !== undefined) options.temperature = temperature;
  if (maxTokens !== undefined) options.maxTokens = maxTokens;
  return Object.keys(options).length > 0 ? options : undefined;
}

/** The user message: the argument, then piped stdin as context; either alone is fine. */
async function promptText(positionals: string[]): Promise<string> {
  const arg = positionals.join(' ').trim();
  const piped = stdinIsTTY() ? '' : (await readStdin()).trim();
  if (arg && piped) return `${arg}\n\n${piped}`;
  if (arg || piped) return arg || piped;
  throw new UsageError(
    'No prompt: give it as an argument or pipe it into stdin.',
    'e.g. switchboard chat "Explain CRDTs in two sentences", or git diff | switchboard chat "Write a commit message for this diff".',
  );
}

export const chatGroup: Group = {
  name: 'chat',
  summary: 'Send a prompt and stream the answer to stdout',
  commands: [
    {
      name: '',
      summary: 'Send a prompt and stream the answer to stdout',
      usage: 'chat [-c connection] [-m model] [--system S] [--temperature T] [--max-tokens N] "prompt"',
      details: `Uses the default connection unless -c names one, and its default model unless -m does.
When stdin is piped it is read too: alone it is the prompt; with a prompt argument it is appended
after it as context. (Run with </dev/null if stdin is a pipe that never closes.)
With --json the final result (text, usage, finishReason, model, latency) is printed instead.`,
      flags: [
        {
          name: 'connection',
          short: 'c',
          type: 'string',
          value: 'CONN',
          description: 'Connection name or id (default: the default connection)',
        },
        {
          name: 'model',
          short: 'm',
          type: 'string',
          value: 'MODEL',
          description: "Model (default: the connection's default model)",
        },
        { name: 'system', type: 'string', value: 'TEXT', description: 'System prompt' },
        { name: 'temperature', type: 'string', value: 'T', description: 'Sampling temperature, 0–2' },
        { name: 'max-tokens', type: 'string', value: 'N', description: 'Maximum tokens to generate' },
      ],
      async run(ctx, parsed) {
        const options = chatOptions(parsed.values);
        const ref = str(parsed.values, 'connection');
        const model = str(parsed.values, 'model');
        const content = await promptText(parsed.positionals);
        const connection = ref === undefined ? undefined : await ctx.connection(ref);
        const client = await ctx.client();
        const messages: ChatMessage[] = [{ role: 'user', content }];
        ctx.handlesInterrupt = true;
        const stream = client.chat(
          {
            messages,
            ...(connection && { connectionId: connection.id }),
            ...(model !== undefined && { model }),
            ...(options && { options }),
          },
          { signal: ctx.signal },
        );
        let written = '';
        try {
          for await (const text of stream) {
            if (ctx.out.json) continue;
            ctx.out.write(text);
            written += text;
          }
          const result = await stream.result;
          if (written && !written.endsWith('\n')) ctx.out.write('\n');
          ctx.out.data(result);
          // On stderr, so a piped answer stays clean: the person learns their connection did not answer.
          if (result.skipped?.length)
            ctx.out.note(
              `Answered by ${result.connectionName} (${result.model}): ${result.skipped.map((s) => `${s.name} skipped (${s.code})`).join(', ')}.`,
            );
          return EXIT.OK;
        } catch (error) {
          if (written && !written.endsWith('\n')) ctx.out.write('\n');
          if (ctx.signal.aborted && error instanceof SwitchboardError && error.code === ErrorCode.CANCELLED)
            throw new InterruptedError();
          throw error;
        }
      },
    },
  ],
};
