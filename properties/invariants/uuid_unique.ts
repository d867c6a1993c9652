import type { Invariant } from '../invariant.ts';

/**
 * GUID uniqueness across parents (kernel-semantics.md §7.1; C-4 "vfio/mdev: Check globally for duplicate
 * devices", 002fe996f67f): at no time do two devices that are not yet released — reserved, being created,
 * live, or waiting to be removed — share a UUID, whatever their parents. A 4.10 kernel, which checks per
 * parent only, breaks it.
 */
export const uuidUnique: Invariant = {
  name: 'uuid-unique',
  rule: 'kernel-semantics.md §7.1; C-4 (002fe996f67f)',
  create() {
    const live = new Map<string, number>();
    return {
      onEvent(e, ctx) {
        // 6.1 makes a device exist at its reservation; 4.10 at device_register.
        const born = ctx.kernel.profile.switches.globalUuidReservation ? 'mdev.reserve' : 'mdev.device_add';
        if (e.kind === born) {
          const n = live.get(e.uuid) ?? 0;
          live.set(e.uuid, n + 1);
          if (n > 0)
            return `two devices named ${e.uuid} exist at once (the second under ${e.parent}/${e.type})`;
        } else if (e.kind === 'mdev.release') {
          live.set(e.uuid, Math.max(0, (live.get(e.uuid) ?? 1) - 1));
        }
        return null;
      },
    };
  },
};
