import { describe, expect, it } from 'vitest';
import { streamAnswer, ToolArgumentsError, type LmStreamDeps } from '../../../extension/lm/lmStream';
import { SwitchboardError } from '../../../shared/errors';
import type { ChatDeltaParams, ChatStreamResult } from '../../../shared/protocol';

/** A daemon that answers `chat/stream` with the given deltas (in the given order) and result. */
function scriptedDaemon(script: (streamId: string, emit: (d: ChatDeltaParams) => void) => Promise<ChatStreamResult>) {
  const handlers = new Set<(p: unknown) => void>();
  const calls: Array<{ method: string; params: Record<string, unknown> }> = [];
  const deps: LmStreamDeps = {
    request: async (descriptor, params) => {
      const p = params as Record<string, unknown>;
      calls.push({ method: descriptor.method, params: p });
      if (descriptor.method === 'chat/cancel') return { cancelled: true } as never;
      return (await script(p.streamId as string, (d) => handlers.forEach((h) => h(d)))) as never;
    },
    onNotification: (_type, handler) => {
      handlers.add(handler as (p: unknown) => void);
      return { dispose: () => handlers.delete(handler as (p: unknown) => void) };
    },
  };
  return { deps, calls, listeners: () => handlers.size };
}

const never = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
const result = (over: Partial<ChatStreamResult>): ChatStreamResult => ({ text: '', finishReason: 'stop', connectionId: 'c1', connectionName: 'W', model: 'm', latency: { firstTokenMs: 1, totalMs: 2 }, ...over });

describe('one VS Code answer through chat/stream', () => {
  it('asks for typed deltas, reports text in index order and tool calls with parsed input at the end', async () => {
    const daemon = scriptedDaemon(async (id, emit) => {
      emit({ streamId: id, index: 1, type: 'text', text: ' world' });
      emit({ streamId: id, index: 0, type: 'text', text: 'Hello' });
      emit({ streamId: 'other', index: 2, type: 'text', text: 'not mine' });
      emit({ streamId: id, index: 2, type: 'toolCall', toolCall: 0, id: 'call_1', name: 'read' });
      emit({ streamId: id, index: 3, type: 'toolArguments', toolCall: 0, arguments: '{"path":' });
      emit({ streamId: id, index: 4, type: 'toolArguments', toolCall: 0, arguments: '"a.ts"}' });
      return result({ text: 'Hello world', finishReason: 'tool_calls', toolCalls: [{ id: 'call_1', name: 'read', arguments: '{"path":"a.ts"}' }] });
    });
    const seen: unknown[] = [];
    await streamAnswer(daemon.deps, { connectionId: 'c1', model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { text: (t) => seen.push(t), toolCall: (id, name, input) => seen.push({ id, name, input }) }, never);
    expect(seen).toEqual(['Hello', ' world', { id: 'call_1', name: 'read', input: { path: 'a.ts' } }]);
    expect(daemon.calls[0]!.params).toMatchObject({ deltas: 'typed', connectionId: 'c1', model: 'm' });
    expect(daemon.listeners()).toBe(0);
  });

  it('sends chat/cancel with its stream id when VS Code cancels', async () => {
    let cancel: () => void = () => undefined;
    const token = { isCancellationRequested: false, onCancellationRequested: (l: () => void) => ((cancel = l), { dispose() {} }) };
    const daemon = scriptedDaemon(async () => {
      cancel();
      await new Promise((r) => setTimeout(r, 5));
      throw new SwitchboardError('CANCELLED', 'Cancelled.', { hint: '' });
    });
    await expect(streamAnswer(daemon.deps, { messages: [{ role: 'user', content: 'hi' }] }, { text: () => undefined, toolCall: () => undefined }, token)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(daemon.calls.map((c) => c.method)).toEqual(['chat/stream', 'chat/cancel']);
    expect(daemon.calls[1]!.params.streamId).toBe(daemon.calls[0]!.params.streamId);
  });

  it('refuses tool arguments that are not a JSON object, naming the tool', async () => {
    const daemon = scriptedDaemon(async () => result({ finishReason: 'tool_calls', toolCalls: [{ id: 'c', name: 'edit', arguments: '{"path": ' }] }));
    await expect(streamAnswer(daemon.deps, { messages: [{ role: 'user', content: 'hi' }] }, { text: () => undefined, toolCall: () => undefined }, never)).rejects.toThrow(ToolArgumentsError);
  });
});
