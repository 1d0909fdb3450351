/**
 * The binary `application/vnd.amazon.eventstream` framing ConverseStream answers in, encoded with
 * `@smithy/eventstream-codec` (the codec the AWS SDK itself decodes with): each frame carries
 * `:message-type` (`event` or `exception`), `:event-type` / `:exception-type` and `:content-type`
 * headers and a JSON payload, with the prelude and message CRC32s.
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';

const utf8 = new TextEncoder();
// (toUtf8: bytes → text, fromUtf8: text → bytes)
const codec = new EventStreamCodec(
  (bytes: Uint8Array) => new TextDecoder().decode(bytes),
  (text: string) => utf8.encode(text),
);

const str = (value: string) => ({ type: 'string' as const, value });

/** One event frame: `messageStart`, `contentBlockDelta`, `metadata`… with its JSON payload. */
export function eventFrame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: { ':event-type': str(eventType), ':content-type': str('application/json'), ':message-type': str('event') },
    body: utf8.encode(JSON.stringify(payload)),
  });
}

/** A mid-stream exception frame, e.g. `throttlingException` with `{message}`. */
export function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': str(exceptionType),
      ':content-type': str('application/json'),
      ':message-type': str('exception'),
    },
    body: utf8.encode(JSON.stringify({ message })),
  });
}
