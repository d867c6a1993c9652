import type { OverlapWindow } from './overlap.ts';

/**
 * Of two removes of the same device, the one that loses the race to delete the `remove` file
 * (`device_remove_file_self` returns false) returns success without doing anything (kernel-semantics.md
 * §6.4, both profiles).
 */
export const secondRemover: OverlapWindow = {
  name: 'second-remover',
  profiles: ['v4.10', 'v6.1'],
  source: 'kernel-semantics.md §6.4; mdev_sysfs.c remove_store',
  outcomes(ctx) {
    const { op } = ctx;
    if (op.op !== 'remove' || !ctx.removing(op.uuid)) return [];
    return [ctx.unchanged({ kind: 'ok', ret: (op.data ?? '1').length }, this.name)];
  },
};
