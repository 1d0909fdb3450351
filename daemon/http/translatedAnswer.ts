/**
 * What the translated paths of the HTTP surfaces share: the request read into the neutral model
 * runs through the connection's adapter, and the adapter's answer is handed to a wire encoder.
 */
import type { ServerResponse } from 'node:http';
import type { Attempt, ChatService, ChatSink, PreparedChat, StreamedAnswer } from '../chat/chatService';
import type { Usage } from '../../shared/protocol';
import type { NeutralAnswer, NeutralRequest } from '../translate';
import { readForTranslation } from './chatSurface';
import { SseWriteBatcher } from './sseWriteBatcher';

/** The adapter's whole answer in the neutral model, for the whole-answer encoders. */
export function neutralAnswer(value: StreamedAnswer, usage: Usage | undefined): NeutralAnswer {
  return {
    content: value.content ?? (value.text !== '' ? [{ type: 'text', text: value.text }] : []),
    toolCalls: value.toolCalls ?? [],
    finishReason: value.finishReason,
    ...(value.stopSequence !== undefined && { stopSequence: value.stopSequence }),
    ...(usage && { usage }),
  };
}

/** How one wire format writes a translated answer. */
export interface AnswerEncoder {
  /** A whole answer's JSON body. */
  whole(answer: NeutralAnswer): unknown;
  /** A stream's opening frames. */
  start(usage: Usage | undefined): string;
  /** The frames of one delta. */
  delta(d: Parameters<NonNullable<ChatSink['delta']>>[1] | { type: 'text'; text: string }): string;
  /** The closing frames. */
  end(value: StreamedAnswer, usage: Usage | undefined): string;
}

/**
 * The attempt that translates: the client's body read into the neutral model (`read`), through the
 * adapter, streamed as the encoder's frames (headers with the first output, so a failure before it
 * keeps its real status), or answered whole. The body is read inside the attempt, after admission:
 * a request that cannot be translated is a failed request in the ledger like any other, and its 400
 * names the field and the connection it was translated for.
 */
export function translatedAttempt(
  chat: ChatService,
  read: () => NeutralRequest,
  res: ServerResponse,
  encoder: (request: NeutralRequest) => AnswerEncoder,
): Attempt<StreamedAnswer> {
  return async (attempt: PreparedChat, progress, signal) => {
    const request = readForTranslation(read, attempt);
    const neutral: PreparedChat = {
      ...attempt,
      input: { ...attempt.input, messages: request.messages, options: request.options },
    };
    const coder = encoder(request);
    if (!request.stream) {
      const value = await chat.adapterAttempt({ text: () => undefined })(neutral, progress, signal);
      const payload = JSON.stringify(coder.whole(neutralAnswer(value, progress.usage)));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
      return value;
    }
    const out = new SseWriteBatcher(res);
    // The opening frames go with the first output (numbered before it, for encoders that count events).
    const write = (frames: () => string) => {
      let head = '';
      if (!res.headersSent) {
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        head = coder.start(progress.usage);
      }
      const text = head + frames();
      return text === '' ? undefined : out.write(text);
    };
    let value: StreamedAnswer;
    try {
      value = await chat.adapterAttempt({
        text: (_index, text) => write(() => coder.delta({ type: 'text', text })),
        delta: (_index, d) => write(() => coder.delta(d)),
      })(neutral, progress, signal);
    } catch (error) {
      out.flush(); // what did stream goes before the error event
      throw error;
    }
    void write(() => '');
    out.end(coder.end(value, progress.usage));
    return value;
  };
}
