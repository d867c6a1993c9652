import type { MdevDeviceEvent, MdevDeviceEventType } from './mdev_device_events.ts';
import type { KernelProfile } from './profile.ts';

const uuid = '83b8f4f2-509f-382f-3c1e-e6bfe0fa0001';
const parent = 'mtty';
const mdevType = 'mtty-1';

/**
 * The canonical happy path of one mtty device, per profile: create, open one device fd (container, group
 * and IOMMU already set up), close it, remove — the per-device trace the implementation emits for it.
 * 6.1 mtty has no `open_device`/`close_device`; 4.10 opens and closes through vfio_mdev (`open_device`/
 * `close_device` of the bridge around mtty's `open`/`release`).
 */
export const MDEV_DEVICE_HAPPY_PATH: Readonly<Record<KernelProfile, readonly MdevDeviceEvent[]>> = {
  'v4.10': [
    { type: 'vfio.register', uuid, group: 0 },
    { type: 'mdev.device_add', uuid, parent, mdevType },
    { type: 'vendor.enter', cb: 'create', parent, uuid },
    { type: 'vendor.exit', cb: 'create', parent, uuid, ret: 0 },
    { type: 'mdev.links', uuid },
    { type: 'mdev.active', uuid },
    { type: 'mdev.create.end', uuid, parent, mdevType, ret: 0 },
    { type: 'vendor.enter', cb: 'open_device', parent: 'vfio_mdev', uuid },
    { type: 'vendor.enter', cb: 'open', parent, uuid },
    { type: 'vendor.exit', cb: 'open', parent, uuid, ret: 0 },
    { type: 'vendor.exit', cb: 'open_device', parent: 'vfio_mdev', uuid, ret: 0 },
    { type: 'vfio.fd.open', uuid, openCount: 1 },
    { type: 'vendor.enter', cb: 'close_device', parent: 'vfio_mdev', uuid },
    { type: 'vendor.enter', cb: 'release', parent, uuid },
    { type: 'vendor.exit', cb: 'release', parent, uuid, ret: 0 },
    { type: 'vendor.exit', cb: 'close_device', parent: 'vfio_mdev', uuid, ret: 0 },
    { type: 'vfio.fd.close', uuid, openCount: 0 },
    { type: 'mdev.remove.claim', uuid },
    { type: 'vendor.enter', cb: 'remove', parent, uuid },
    { type: 'vendor.exit', cb: 'remove', parent, uuid, ret: 0 },
    { type: 'mdev.teardown.begin', uuid, by: 'user' },
    { type: 'vfio.unregister.begin', uuid },
    { type: 'vfio.unregister.end', uuid },
    { type: 'mdev.teardown.end', uuid },
    { type: 'mdev.release', uuid },
  ],
  'v6.1': [
    { type: 'mdev.reserve', uuid, parent, mdevType },
    { type: 'mdev.device_add', uuid, parent, mdevType },
    { type: 'vendor.enter', cb: 'probe', parent, uuid },
    { type: 'vendor.enter', cb: 'init', parent, uuid },
    { type: 'vendor.exit', cb: 'init', parent, uuid, ret: 0 },
    { type: 'vfio.register', uuid, group: 0 },
    { type: 'vendor.exit', cb: 'probe', parent, uuid, ret: 0 },
    { type: 'mdev.links', uuid },
    { type: 'mdev.active', uuid },
    { type: 'mdev.create.end', uuid, parent, mdevType, ret: 0 },
    { type: 'vfio.fd.open', uuid, openCount: 1 },
    { type: 'vfio.fd.close', uuid, openCount: 0 },
    { type: 'mdev.remove.claim', uuid },
    { type: 'mdev.teardown.begin', uuid, by: 'user' },
    { type: 'vendor.enter', cb: 'remove', parent, uuid },
    { type: 'vfio.unregister.begin', uuid },
    { type: 'vfio.unregister.end', uuid },
    { type: 'vendor.enter', cb: 'release', parent, uuid },
    { type: 'vendor.exit', cb: 'release', parent, uuid, ret: 0 },
    { type: 'vendor.exit', cb: 'remove', parent, uuid, ret: 0 },
    { type: 'mdev.teardown.end', uuid },
    { type: 'mdev.release', uuid },
  ],
};

/** The happy path of `profile` as trace kinds only (what a trace-kind comparison needs). */
export function happyPathKinds(profile: KernelProfile): MdevDeviceEventType[] {
  return MDEV_DEVICE_HAPPY_PATH[profile].map((e) => e.type);
}
