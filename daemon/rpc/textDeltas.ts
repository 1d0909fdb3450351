/**
 * The text `chat/delta` notifications of one stream, serialized exactly as JSON.stringify writes
 * them. A stream sends one for every piece of text, so serializing the whole object each time
 * costs more than the rest of relaying it: the envelope and the streamId part are built once per
 * stream, and only the index and the text are encoded per delta.
 */
import { ChatDelta } from '../../shared/protocol';

/** Returns the serializer of one stream's text deltas (`{"jsonrpc":"2.0","method":"chat/delta","params":{streamId,index,text}}`). */
export function textDeltaSerializer(streamId: string): (index: number, text: string) => string {
  const head = `{"jsonrpc":"2.0","method":"${ChatDelta.method}","params":{"streamId":${JSON.stringify(streamId)},"index":`;
  return (index, text) => `${head}${index},"text":${JSON.stringify(text)}}}`;
}
