import { removeValue } from '../atomic_rules.ts';
import { errno, type OverlapOutcome, type OverlapWindow } from './overlap.ts';

/**
 * While a parent's module is being unloaded (6.1, kernel-semantics.md §2.3, §2.4 step 7, §2.5 step 4; C-9,
 * 5715c4dd66a3): a create or remove on it fails its `unreg_sem` trylock with ENODEV, and its devices leave
 * sysfs (remove: ENOENT; open: ENOENT) before the unload returns. Nothing changes.
 */
export const parentUnregistering: OverlapWindow = {
  name: 'parent-unregistering',
  profiles: ['v6.1'],
  source: 'kernel-semantics.md §2.3–§2.5; 6.1.192 mdev_core.c mdev_unregister_parent',
  outcomes(ctx) {
    const { op } = ctx;
    const out: OverlapOutcome[] = [];
    if (op.op === 'create' && ctx.unloading(op.parent))
      out.push(ctx.unchanged(errno('ENODEV', 'write'), this.name));
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
