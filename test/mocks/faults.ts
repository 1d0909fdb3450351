/**
 * The mock's pending faults: an ordered list, each with an optional use count and filter.
 * A request takes the first fault that matches it, which spends one of that fault's uses.
 */
import type { Fault, FaultMatch, WireFormat } from './types';

/** What a fault's `match` is compared against. */
export interface FaultTarget {
  path: string;
  model: string | undefined;
  format: WireFormat | undefined;
}

interface Pending {
  fault: Fault;
  /** Uses left; Infinity until cleared. */
  left: number;
}

export class FaultQueue {
  private pending: Pending[] = [];

  add(fault: Fault): void {
    const left = fault.count ?? Infinity;
    if (!(left > 0)) throw new RangeError(`fault count must be positive, got ${fault.count}`);
    this.pending.push({ fault, left });
  }

  clear(): void {
    this.pending = [];
  }

  /** The fault for this request, if any, spending one use of it. */
  take(target: FaultTarget): Fault | undefined {
    const i = this.pending.findIndex((p) => matches(p.fault.match, target));
    if (i < 0) return undefined;
    const p = this.pending[i]!;
    if (--p.left <= 0) this.pending.splice(i, 1);
    return p.fault;
  }
}

function matches(m: FaultMatch | undefined, t: FaultTarget): boolean {
  if (!m) return true;
  if (m.format !== undefined && m.format !== t.format) return false;
  if (m.model !== undefined && m.model !== t.model) return false;
  if (m.path !== undefined && !(typeof m.path === 'string' ? t.path === m.path : m.path.test(t.path))) return false;
  return true;
}
