import { parsesAsUuid } from '../atomic_input.ts';
import { parentTypes, poolSize } from '../atomic_parents.ts';
import { failedAfterReservation, type OverlapWindow } from './overlap.ts';

/**
 * Pool accounting is not atomic with create and remove (both profiles; 4.10 takes and returns the share in
 * the vendor's create and remove callbacks). 6.1: a create takes its pool share in the vendor probe (after the GUID reservation; a core-counted parent such
 * as mdpy at the reservation, given back at release if the probe fails), and a remove gives it back at
 * release (6.1, kernel-semantics.md §2.4, §4.2–§4.4). So an `available_instances` read during creates or
 * removes on the parent — or during the parent's unload, which removes its devices one by one — may count
 * any of those devices as not (yet, or no longer) there, and a failing create of a core-counted parent as
 * there.
 */
export const poolInFlight: OverlapWindow = {
  name: 'pool-in-flight',
  profiles: ['v4.10', 'v6.1'],
  source: 'kernel-semantics.md §2.4, §4.2–§4.4',
  outcomes(ctx) {
    const { op, state } = ctx;
    if (op.op !== 'available') return [];
    const config = state.parents[op.parent];
    const costs = parentTypes(state, op.parent);
    const cost = costs[op.type];
    if (!config || !cost) return [];
    const deltas: number[] = [];
    for (const o of ctx.overlapping) {
      const uuid = o.op.op === 'create' ? parsesAsUuid(o.op.data) : o.op.op === 'remove' ? o.op.uuid : null;
      if (uuid === null) continue;
      const d = state.devices[uuid];
      if (d && d.parent === op.parent && !d.released) deltas.push(costs[d.type] ?? 0);
      else if (
        config.exhaustion === 'EUSERS' &&
        o.op.op === 'create' &&
        o.op.parent === op.parent &&
        failedAfterReservation(o)
      ) {
        deltas.push(-(costs[o.op.type] ?? 0));
      }
    }
    // The parent's unregistration removes its devices one by one while the read may still run.
    if (ctx.unloading(op.parent)) {
      for (const d of Object.values(state.devices))
        if (d.parent === op.parent && !d.released) deltas.push(costs[d.type] ?? 0);
    }
    if (deltas.length === 0 || deltas.length > 8) return [];
    let free = poolSize(state, op.parent);
    for (const d of Object.values(state.devices))
      if (d.parent === op.parent && !d.released) free -= costs[d.type] ?? 0;
    const normal = Math.trunc(free / cost);
    const values = new Set<number>();
    for (let mask = 1; mask < 1 << deltas.length; mask++) {
      const units = deltas.reduce((sum, d, i) => (mask & (1 << i) ? sum + d : sum), 0);
      const v = Math.trunc((free + units) / cost);
      if (v !== normal) values.add(v);
    }
    return [...values].map((ret) => ctx.unchanged({ kind: 'ok', ret }, this.name));
  },
};
