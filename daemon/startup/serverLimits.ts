/** Stream caps and the per-client reply queue bound, which the environment may lower or raise. */
import { DEFAULT_STREAM_CAPS, type StreamCaps } from '../chat/streamRegistry';
import { DEFAULT_MAX_QUEUED_BYTES } from '../server/wsSession';

export interface ServerLimits {
  streams: StreamCaps;
  maxQueuedBytes: number;
  /**
   * SWITCHBOARD_TEST_PACE_MS: the delay before the first scheduled connection test and between two
   * (default 20 s and 5 s). Lowered by integration tests, which watch a scheduled test happen.
   */
  testPaceMs?: number;
}

/** SWITCHBOARD_MAX_STREAMS, SWITCHBOARD_MAX_STREAMS_PER_CLIENT, SWITCHBOARD_MAX_QUEUED_BYTES; anything but a positive integer keeps the default. */
export function serverLimits(env: NodeJS.ProcessEnv): ServerLimits {
  const positive = (raw: string | undefined, fallback: number) => {
    const n = Number(raw);
    return raw !== undefined && raw !== '' && Number.isInteger(n) && n > 0 ? n : fallback;
  };
  return {
    streams: {
      global: positive(env.SWITCHBOARD_MAX_STREAMS, DEFAULT_STREAM_CAPS.global),
      perClient: positive(env.SWITCHBOARD_MAX_STREAMS_PER_CLIENT, DEFAULT_STREAM_CAPS.perClient),
    },
    maxQueuedBytes: positive(env.SWITCHBOARD_MAX_QUEUED_BYTES, DEFAULT_MAX_QUEUED_BYTES),
    ...(positive(env.SWITCHBOARD_TEST_PACE_MS, 0) > 0 && { testPaceMs: positive(env.SWITCHBOARD_TEST_PACE_MS, 0) }),
  };
}
