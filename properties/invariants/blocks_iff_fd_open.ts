import type { Invariant, InvariantContext } from '../invariant.ts';

/** A GET_DEVICE_FD is in flight: an open (the full protocol) or a `dev` call that has not returned. */
function getDeviceFdInFlight(ctx: InvariantContext, uuid: string): boolean {
  return ctx.ops.some(
    (o) =>
      o.response === null &&
      ((o.op.op === 'open' && o.op.uuid === uuid) || (o.op.op === 'vfio' && o.op.call === 'dev')),
  );
}

/**
 * A removal blocks if and only if a device fd is open (kernel-semantics.md §1.8, §2.5, §2.6; C-15
 * "drm/i915/gvt: Add missing vfio_unregister_group_dev() call": remove while open must block, not skip):
 * the VFIO unregistration of a device sleeps only when fds are open on it — or while a GET_DEVICE_FD that
 * found the device before the registration was dropped is still in flight — sleeps whenever fds are open,
 * and returns only once they are all closed.
 */
export const blocksIffFdOpen: Invariant = {
  name: 'blocks-iff-fd-open',
  rule: 'kernel-semantics.md §1.8, §2.5, §2.6; C-15',
  create() {
    const openFds = new Map<number, number>();
    const unregistering = new Map<number, { openAtBegin: number; waited: boolean }>();
    return {
      onEvent(e, ctx) {
        switch (e.kind) {
          case 'vfio.fd.open':
          case 'vfio.fd.close':
            openFds.set(e.dev, e.openCount);
            return null;
          case 'vfio.unregister.begin':
            unregistering.set(e.dev, { openAtBegin: openFds.get(e.dev) ?? 0, waited: false });
            return null;
          case 'vfio.unregister.wait': {
            const u = unregistering.get(e.dev);
            if (u) u.waited = true;
            if ((openFds.get(e.dev) ?? 0) > 0 || e.openFds > 0 || getDeviceFdInFlight(ctx, e.uuid))
              return null;
            return `${e.uuid}: VFIO unregistration sleeps with no device fd open and no GET_DEVICE_FD in flight`;
          }
          case 'vfio.unregister.end': {
            const u = unregistering.get(e.dev);
            unregistering.delete(e.dev);
            const open = openFds.get(e.dev) ?? 0;
            if (open > 0) return `${e.uuid}: VFIO unregistration returned with ${open} device fd(s) open`;
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
