import { removeValue } from '../atomic_input.ts';
import { errno, type OverlapWindow } from './overlap.ts';

/**
 * A sysfs file whose removal has begun (deactivated, not yet unlinked) can still be looked up, but opening
 * it fails with ENODEV (fs/kernfs/file.c `kernfs_fop_open`: `kernfs_get_active` fails). So a remove of U
 * opens U's `remove` file while a nonzero remove of U or the unload of its parent is deleting it, and a
 * create or `available_instances` read opens a type's file while the parent's unload deletes the type
 * directory: ENODEV at open. Nothing changes.
 */
export const fileBeingRemoved: OverlapWindow = {
  name: 'file-being-removed',
  profiles: ['v4.10', 'v6.1'],
  source:
    'fs/kernfs/file.c kernfs_fop_open; kernel-semantics.md §6.4 ("write on an fd opened before removal")',
  outcomes(ctx) {
    const { op } = ctx;
    const enodev = () => [ctx.unchanged(errno('ENODEV', 'open'), this.name)];
    if (op.op === 'remove') {
      const removedByRival = ctx.overlapping.some((o) => {
        if (o.op.op !== 'remove' || o.op.uuid !== op.uuid) return false;
        const data = o.op.data ?? '1';
        const v = removeValue(data);
        return data.length > 0 && v !== null && v !== 0n;
      });
      return removedByRival || ctx.unloading(ctx.parentOf(op.uuid)) ? enodev() : [];
    }
    if (op.op === 'create' || op.op === 'available') return ctx.unloading(op.parent) ? enodev() : [];
    return [];
  },
};
