/**
 * The `switchboard/client` package entry: everything a Node tool needs to use the daemon.
 *
 * ```js
 * import { connect, methods } from 'switchboard/client';        // or require('switchboard/client')
 *
 * const client = await connect({ clientName: 'my-tool' });
 * const { connections } = await client.request(methods.ConnectionsList);
 * const controller = new AbortController();
 * for await (const text of client.chat({ messages: [{ role: 'user', content: 'Hello' }] }, { signal: controller.signal })) {
 *   process.stdout.write(text);
 * }
 * await client.close();
 * ```
 *
 * The protocol's method descriptors and types come as the `methods` namespace (`methods.ChatStream`
 * is the `chat/stream` descriptor; `chat()` returns a `ChatReply`).
 */
import { SwitchboardClient, type ConnectOptions } from './client';

export * from './index';
/** Every method and notification descriptor, param schema and type of the protocol. */
export * as methods from '../protocol';

/** Finds the daemon (`daemon.json` in the Switchboard home), connects, and says hello. Same as `SwitchboardClient.connect`. */
export function connect(options: ConnectOptions = {}): Promise<SwitchboardClient> {
  return SwitchboardClient.connect(options);
}
