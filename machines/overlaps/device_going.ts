import { parsesAsUuid } from '../atomic_rules.ts';
import { errno, type OverlapOutcome, type OverlapWindow } from './overlap.ts';

/**
 * While a remove of U or the unload of its parent runs, the device is going but not gone (kernel-semantics.md
 * §1.6, §2.5, §2.6, §3.1, §6.5):
 * - an open of U can find its group without devices (6.1 group open: ENODEV), or open the group and find
 *   the device unregistering at GET_DEVICE_FD (ENODEV; the holder keeps its group fd, attached to its
 *   container), or find the group still held by another holder (EBUSY);
 * - 4.10: a create of U on the same parent finds the going device still among the parent's children
 *   (EEXIST), until `device_unregister` has taken it off.
 */
export const deviceGoing: OverlapWindow = {
  name: 'device-going',
  profiles: ['v4.10', 'v6.1'],
  source: 'kernel-semantics.md §1.6, §2.5, §2.6, §3.1, §6.5',
  outcomes(ctx) {
    const { op, state } = ctx;
    const out: OverlapOutcome[] = [];
    if (op.op === 'open' && !state.holders[op.holder]) {
      if (!ctx.removing(op.uuid) && !ctx.unloading(ctx.parentOf(op.uuid))) return [];
      const noGroup = ctx.asIfAbsent(op.uuid, this.name);
      if (state.profile === 'v6.1') out.push({ ...noGroup, result: errno('ENODEV', 'group') });
      const held = {
        uuid: op.uuid,
        gen: state.devices[op.uuid]?.gen ?? 0,
        container: true,
        group: true,
        attached: true,
        iommu: true,
        devFds: 0,
      };
      out.push({
        result: errno('ENODEV', 'dev'),
        state: { ...state, holders: { ...state.holders, [op.holder]: held } },
        window: this.name,
      });
      if (Object.values(state.holders).some((h) => h.uuid === op.uuid && h.group))
        out.push({ ...noGroup, result: errno('EBUSY', 'group') });
    }
    if (op.op === 'create' && state.profile === 'v4.10') {
      const uuid = parsesAsUuid(op.data);
      if (uuid && (ctx.removing(uuid) || ctx.unloading(op.parent)) && ctx.parentOf(uuid) === op.parent) {
        out.push(ctx.unchanged(errno('EEXIST', 'write'), this.name));
      }
    }
    return out;
  },
};
