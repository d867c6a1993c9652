import { removeValue } from '../atomic_input.ts';
import type { OverlapWindow } from './overlap.ts';

/**
 * A remove claims its device by deleting the `remove` file first and removes it later (both profiles). So
 * while a nonzero remove of U runs, another remove of U either loses the race to delete the file
 * (`device_remove_file_self` returns false) and returns success without doing anything (kernel-semantics.md
 * §6.4), or finds the file already gone (ENOENT at open) though the device is still there.
 */
export const secondRemover: OverlapWindow = {
  name: 'second-remover',
  profiles: ['v4.10', 'v6.1'],
  source: 'kernel-semantics.md §6.4; mdev_sysfs.c remove_store',
  outcomes(ctx) {
    const { op } = ctx;
    if (op.op !== 'remove') return [];
    const nonzero = (data: string | undefined) => {
      const v = removeValue(data ?? '1');
      return (data ?? '1').length > 0 && v !== null && v !== 0n;
    };
    const rival = ctx.overlapping.some(
      (o) => o.op.op === 'remove' && o.op.uuid === op.uuid && nonzero(o.op.data),
    );
    if (!rival) return [];
    if (!nonzero(op.data)) return [ctx.asIfAbsent(op.uuid, this.name)];
    return [
      ctx.unchanged({ kind: 'ok', ret: (op.data ?? '1').length }, this.name),
      ctx.asIfAbsent(op.uuid, this.name),
    ];
  },
};
