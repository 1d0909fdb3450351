import { describe, expect, it } from 'vitest';
import { streamAnswer, ToolArgumentsError, type LmStreamDeps } from '../../../extension/lm/lmStream';
import { asEvent, ChatReplyController } from '../../../shared/client/chatReply';
import { SwitchboardError } from '../../../shared/errors';
import type { ChatDeltaParams, ChatStreamResult, StreamDelta } from '../../../shared/protocol';

/**
 * A daemon that answers `chat/stream` with the given deltas (in the given order) and result. The
 * stream is the client's own (`ChatReplyController`, what `chatEvents()` returns); like the client,
 * its stop sends `chat/cancel`.
 */
function scriptedDaemon(script: (streamId: string, emit: (d: ChatDeltaParams) => void) => Promise<ChatStreamResult>) {
  const calls: Array<{ method: string; params: Record<string, unknown> }> = [];
  const deps: LmStreamDeps = {
    chatEvents: async (params, opts) => {
      const streamId = params.streamId!;
      calls.push({ method: 'chat/stream', params: { ...params } });
      const reply = new ChatReplyController<StreamDelta>(
        streamId,
        {
          idleTimeoutMs: opts.idleTimeoutMs ?? 0,
          stop: () => void calls.push({ method: 'chat/cancel', params: { streamId } }),
          settled: () => undefined,
        },
        asEvent,
      );
      script(streamId, (d) => reply.accept(d)).then(
        (result) => reply.finish(result),
        (error: unknown) => reply.fail(error),
      );
      return reply;
    },
  };
  return { deps, calls };
}

const never = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
const result = (over: Partial<ChatStreamResult>): ChatStreamResult => ({
  text: '',
  finishReason: 'stop',
  connectionId: 'c1',
  connectionName: 'W',
  model: 'm',
  latency: { firstTokenMs: 1, totalMs: 2 },
  ...over,
});

describe('one VS Code answer through chat/stream', () => {
  it('reports text in index order and tool calls with parsed input at the end', async () => {
    const daemon = scriptedDaemon(async (id, emit) => {
      emit({ streamId: id, index: 1, type: 'text', text: ' world' });
      emit({ streamId: id, index: 0, type: 'text', text: 'Hello' });
      emit({ streamId: id, index: 2, type: 'toolCall', toolCall: 0, id: 'call_1', name: 'read' });
      emit({ streamId: id, index: 3, type: 'toolArguments', toolCall: 0, arguments: '{"path":' });
      emit({ streamId: id, index: 4, type: 'toolArguments', toolCall: 0, arguments: '"a.ts"}' });
      return result({
        text: 'Hello world',
        finishReason: 'tool_calls',
        toolCalls: [{ id: 'call_1', name: 'read', arguments: '{"path":"a.ts"}' }],
      });
    });
    const seen: unknown[] = [];
    await streamAnswer(
      daemon.deps,
      { connectionId: 'c1', model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      { text: (t) => seen.push(t), toolCall: (id, name, input) => seen.push({ id, name, input }) },
      never,
    );
    expect(seen).toEqual(['Hello', ' world', { id: 'call_1', name: 'read', input: { path: 'a.ts' } }]);
    expect(daemon.calls[0]!.params).toMatchObject({
      connectionId: 'c1',
      model: 'm',
      streamId: expect.stringMatching(/^lm-/),
    });
  });

  it('sends chat/cancel with its stream id when VS Code cancels', async () => {
    let cancel: () => void = () => undefined;
    const token = {
      isCancellationRequested: false,
      onCancellationRequested: (l: () => void) => ((cancel = l), { dispose() {} }),
    };
    const daemon = scriptedDaemon(async () => {
      cancel();
      await new Promise((r) => setTimeout(r, 5));
      throw new SwitchboardError('CANCELLED', 'Cancelled.', { hint: '' });
    });
    await expect(
      streamAnswer(
        daemon.deps,
        { messages: [{ role: 'user', content: 'hi' }] },
        { text: () => undefined, toolCall: () => undefined },
        token,
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(daemon.calls.map((c) => c.method)).toEqual(['chat/stream', 'chat/cancel']);
    expect(daemon.calls[1]!.params.streamId).toBe(daemon.calls[0]!.params.streamId);
  });

  it('refuses tool arguments that are not a JSON object, naming the tool', async () => {
    const daemon = scriptedDaemon(async () =>
      result({ finishReason: 'tool_calls', toolCalls: [{ id: 'c', name: 'edit', arguments: '{"path": ' }] }),
    );
    await expect(
      streamAnswer(
        daemon.deps,
        { messages: [{ role: 'user', content: 'hi' }] },
        { text: () => undefined, toolCall: () => undefined },
        never,
      ),
    ).rejects.toThrow(ToolArgumentsError);
  });
});
