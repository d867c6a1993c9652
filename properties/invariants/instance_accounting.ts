import { availableInstances } from '../../machines/atomic_queries.ts';
import type { Invariant } from '../invariant.ts';

/**
 * Instance accounting (kernel-semantics.md §4, §6.2, §7; C-11 "vfio/mtty: Enforce available_instances",
 * 97d0a6874478; C-12 "vfio/mbochs: Fix missing error unwind of mbochs_used_mbytes", de5494af4815): the
 * devices alive at any moment never cost more than their parent's pool (a parent that never refuses, as
 * 4.10 mtty, breaks this once it is oversubscribed: known issue C-11);
 * and at the end `available_instances` of every type is the pool minus the cost of the live devices,
 * divided by the type's cost — so a failed create, a racing create or a removal that leaked or
 * double-counted pool units shows.
 */
export const instanceAccounting: Invariant = {
  name: 'instance-accounting',
  rule: 'kernel-semantics.md §4, §6.2; C-11 (97d0a6874478), C-12 (de5494af4815)',
  create() {
    /** Live created devices: uuid#creator task → parent and cost. */
    const live = new Map<string, { parent: string; cost: number }>();
    return {
      onEvent(e, ctx) {
        if (e.kind === 'mdev.create.end' && e.ret === 0) {
          const config = ctx.parents[e.parent];
          const cost = config?.types[e.type] ?? 0;
          live.set(e.uuid, { parent: e.parent, cost });
          const capacity = ctx.capacity[e.parent];
          if (!config || capacity === undefined) return null;
          let used = 0;
          for (const d of live.values()) if (d.parent === e.parent) used += d.cost;
          if (used > capacity)
            return `${e.parent}: live devices cost ${used} > capacity ${capacity} after creating ${e.uuid} (${e.type})${config.exhaustion ? '' : '; the parent never refuses a create'}`;
        }
        if (e.kind === 'mdev.teardown.begin') live.delete(e.uuid);
        return null;
      },
      atEnd(ctx) {
        if (!ctx.spec) return [];
        const out: string[] = [];
        for (const [key, value] of Object.entries(ctx.available)) {
          const [parent, type] = key.split('/') as [string, string];
          if (ctx.spec.modules[parent] === undefined) continue;
          const expected = availableInstances(ctx.spec, parent, type);
          if (value !== expected)
            out.push(`${key}: available_instances is ${value} at the end, the pool says ${expected}`);
        }
        return out;
      },
    };
  },
};
