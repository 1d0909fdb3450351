import { describe, expect, it } from 'vitest';
import { openForward, othersOpen } from '../../../daemon/forward/openForwards';

describe('openForwards: how many forwarded requests are open', () => {
  it('tells whether others than the caller are open, and a close counts once', () => {
    const first = openForward();
    expect(othersOpen()).toBe(false);
    const second = openForward();
    expect(othersOpen()).toBe(true);
    second();
    second(); // closed twice (an error path after a finally): still one fewer, not two
    expect(othersOpen()).toBe(false);
    const third = openForward();
    expect(othersOpen()).toBe(true);
    first();
    expect(othersOpen()).toBe(false);
    third();
    const last = openForward();
    expect(othersOpen()).toBe(false);
    last();
  });
});
