import type { Invariant } from '../invariant.ts';

/**
 * A removal blocks if and only if a device fd is open (kernel-semantics.md §1.8, §2.5, §2.6; C-15
 * "drm/i915/gvt: Add missing vfio_unregister_group_dev() call": remove while open must block, not skip):
 * the VFIO unregistration of a device sleeps when fds are open on it — or when a GET_DEVICE_FD that found
 * the device before the registration was dropped is still completing, in which case that fd opens — and
 * returns only once they are all closed.
 */
export const blocksIffFdOpen: Invariant = {
  name: 'blocks-iff-fd-open',
  rule: 'kernel-semantics.md §1.8, §2.5, §2.6; C-15',
  create() {
    const openFds = new Map<number, number>();
    const unregistering = new Map<
      number,
      { uuid: string; openAtBegin: number; waited: boolean; waitingForOpen: boolean }
    >();
    return {
      onEvent(e) {
        switch (e.kind) {
          case 'vfio.fd.open':
          case 'vfio.fd.close': {
            openFds.set(e.dev, e.openCount);
            const u = unregistering.get(e.dev);
            if (u && e.kind === 'vfio.fd.open') u.waitingForOpen = false;
            return null;
          }
          case 'vfio.unregister.begin':
            unregistering.set(e.dev, {
              uuid: e.uuid,
              openAtBegin: openFds.get(e.dev) ?? 0,
              waited: false,
              waitingForOpen: false,
            });
            return null;
          case 'vfio.unregister.wait': {
            const u = unregistering.get(e.dev);
            if (u) {
              u.waited = true;
              u.waitingForOpen = (openFds.get(e.dev) ?? 0) === 0;
            }
            return null;
          }
          case 'vfio.unregister.end': {
            const u = unregistering.get(e.dev);
            unregistering.delete(e.dev);
            const open = openFds.get(e.dev) ?? 0;
            if (open > 0) return `${e.uuid}: VFIO unregistration returned with ${open} device fd(s) open`;
            if (u?.waitingForOpen)
              return `${e.uuid}: VFIO unregistration slept with no device fd open and none being opened`;
            if (u && u.openAtBegin > 0 && !u.waited)
              return `${e.uuid}: VFIO unregistration did not wait for ${u.openAtBegin} open fd(s)`;
            return null;
          }
          default:
            return null;
        }
      },
    };
  },
};
