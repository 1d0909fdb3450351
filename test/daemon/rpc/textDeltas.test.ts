/** The hand-built text `chat/delta` is byte for byte what JSON.stringify writes for its envelope. */
import { describe, expect, it } from 'vitest';
import { textDeltaSerializer } from '../../../daemon/rpc/textDeltas';

const envelope = (params: unknown) => JSON.stringify({ jsonrpc: '2.0', method: 'chat/delta', params });

describe('textDeltaSerializer', () => {
  it('writes chat/delta exactly as JSON.stringify of the envelope, for tricky ids and texts and interleaved streams', () => {
    const cases = [
      { streamId: 's1', index: 0, text: 'Hello' },
      { streamId: 's1', index: 1, text: ' "quoted" \\ back\nline\ttab \u0001 \u2028 é 😀' },
      { streamId: 'id "with" \\ quotes\u00e9', index: 0, text: '' },
      { streamId: 's1', index: 2, text: '</script>' },
      { streamId: 'id "with" \\ quotes\u00e9', index: 1, text: 'x' },
      { streamId: 's2', index: 123456, text: '\ud800 lone surrogate' },
    ];
    const serializers = new Map<string, (index: number, text: string) => string>();
    for (const p of cases) {
      if (!serializers.has(p.streamId)) serializers.set(p.streamId, textDeltaSerializer(p.streamId));
      const text = serializers.get(p.streamId)!(p.index, p.text);
      expect(text).toBe(envelope(p));
      expect(JSON.parse(text)).toEqual({ jsonrpc: '2.0', method: 'chat/delta', params: p });
    }
  });
});
