import { removeValue } from '../atomic_input.ts';
import { errno, type OverlapOutcome, type OverlapWindow } from './overlap.ts';

/**
 * While a parent's module is being unloaded, its class link goes first (`class_compat_remove_link`: the
 * type files can no longer be opened, ENOENT, while its devices still exist), its devices leave sysfs one by
 * one before the unload returns (remove: ENOENT; open: ENOENT), and a remove that still finds its device
 * fails: 6.1 its `unreg_sem`
 * trylock (ENODEV; kernel-semantics.md §2.3, §2.5 step 4; C-9, 5715c4dd66a3), 4.10 its claim, as the
 * unregistration took the device off `mdev_list` first (ENODEV, §1.3, §1.6). 6.1: a create fails its trylock
 * with ENODEV too (§2.4 step 7); 4.10 has no such check (C-9). Nothing changes.
 */
export const parentUnregistering: OverlapWindow = {
  name: 'parent-unregistering',
  profiles: ['v4.10', 'v6.1'],
  source: 'kernel-semantics.md §1.3, §1.6, §2.3–§2.5; 6.1.192 mdev_core.c mdev_unregister_parent',
  outcomes(ctx) {
    const { op } = ctx;
    const out: OverlapOutcome[] = [];
    if ((op.op === 'create' || op.op === 'available') && ctx.unloading(op.parent)) {
      // The parent's class link (the path of the type files) goes first.
      out.push(ctx.unchanged(errno('ENOENT', 'open'), this.name));
      if (op.op === 'create' && ctx.state.profile === 'v6.1')
        out.push(ctx.unchanged(errno('ENODEV', 'write'), this.name));
    }
    if (op.op === 'remove' && ctx.unloading(ctx.parentOf(op.uuid))) {
      const data = op.data ?? '1';
      if (data.length > 0 && removeValue(data) !== 0n)
        out.push(ctx.unchanged(errno('ENODEV', 'write'), this.name));
      out.push(ctx.asIfAbsent(op.uuid, this.name));
    }
    if (op.op === 'open' && ctx.unloading(ctx.parentOf(op.uuid)))
      out.push(ctx.asIfAbsent(op.uuid, this.name));
    return out;
  },
};
