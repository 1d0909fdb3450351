/**
 * `connections/testHistory` and `connections/statusChanged`: the last results of each saved
 * connection's tests, and the one event a client gets when a test changes a connection's colour.
 */
import { z } from 'zod';
import { Id } from './fields';
import { TestResult, type TestStatus } from './connections';

/** What ran a test: a person or client (`connections/test`), the daemon's schedule, or a chat whose key was rejected. */
export type TestTrigger = 'manual' | 'scheduled' | 'chat';

/** One past test of a connection: when, how it went, and the stage that decided it with its reason. */
export interface TestHistoryEntry {
  /** ISO time the test finished. */
  testedAt: string;
  status: TestStatus;
  /** The test's one-line summary. */
  summary: string;
  /** The first stage that failed or warned (absent when every stage passed). */
  stage?: string;
  /** That stage's reason, or the summary when every stage passed. */
  reason: string;
  durationMs: number;
  trigger: TestTrigger;
}

/** How many results the daemon keeps per connection (older ones drop off). */
export const TEST_HISTORY_LENGTH = 20;

/** Params of `connections/testHistory`. */
export const TestHistoryParams = z.strictObject({ id: Id, limit: z.int().min(1).max(TEST_HISTORY_LENGTH).optional() });

/** Params of `connections/statusChanged`. */
export const ConnectionsStatusChangedParams = z.looseObject({
  id: z.string(),
  name: z.string(),
  /** The status before this test; absent when the connection had never been tested. */
  previous: z.enum(['ok', 'warning', 'error']).optional(),
  status: z.enum(['ok', 'warning', 'error']),
  trigger: z.enum(['manual', 'scheduled', 'chat']),
  result: TestResult,
});
/** Params of `connections/statusChanged`. */
export type ConnectionsStatusChangedParams = z.infer<typeof ConnectionsStatusChangedParams>;
