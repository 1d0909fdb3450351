/** `usage/get`: the usage ledger, per connection, model and UTC day. */
import { z } from 'zod';
import { Id } from './fields';
import { request, result } from './rpc';
import type { UsageRecord } from './types';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD');

/** Params of `usage/get`. */
export const UsageGetParams = z.strictObject({ connectionId: Id.optional(), from: Day.optional(), to: Day.optional() });
/** Usage rows, oldest first. */
export const UsageGet = request('usage/get', UsageGetParams.optional(), result<{ records: UsageRecord[] }>());
