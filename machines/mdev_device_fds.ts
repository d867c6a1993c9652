import type { VendorCallback } from './mdev_device_events.ts';
import { mdevDeviceSetup } from './mdev_device_setup.ts';
import type { KernelProfile } from './profile.ts';

/** Vendor callbacks that run while a GET_DEVICE_FD opens the device (4.10: vfio_mdev's open calls the vendor `open`). */
function openCallbacks(profile: KernelProfile): VendorCallback[] {
  return profile === 'v4.10' ? ['open_device', 'open'] : ['open_device'];
}

/** Vendor callbacks that run on an open device fd: opens, closes and the forwarded file operations. */
function fdCallbacks(profile: KernelProfile): VendorCallback[] {
  const close: VendorCallback[] = profile === 'v4.10' ? ['close_device', 'release'] : ['close_device'];
  return [...openCallbacks(profile), ...close, 'read', 'write', 'ioctl', 'mmap'];
}

/**
 * The device-fd region of one mdev device (kernel-semantics.md §1.7, §2.6, C-13): `closed` ⇄ `open`,
 * counting fds from the trace's `openCount`. GET_DEVICE_FD finds the device while it is registered with
 * VFIO, and during its unregistration only while fds keep it referenced. v6.1 calls the vendor
 * `open_device`/`close_device` on the first open and last close (counted under `dev_set->lock`); 4.10's
 * vfio core calls vfio_mdev's open/release, and through them the vendor `open`/`release`, on every fd.
 */
export function createFdsRegion(profile: KernelProfile) {
  const opening =
    profile === 'v4.10' ? 'vfio_mdev_open → parent_ops->open' : 'vfio_device_open → ops->open_device';
  return mdevDeviceSetup.createStateConfig({
    description:
      profile === 'v4.10'
        ? 'Device fds: every GET_DEVICE_FD calls the vendor open, every close its release (no counting before 5.15, C-13).'
        : 'Device fds: the vendor open_device runs on the first open and close_device on the last close (C-13).',
    initial: 'closed',
    states: {
      closed: {
        description: 'No device fd is open.',
        on: {
          'vendor.enter': {
            guard: { type: 'isOneOfCallbacks', params: { cbs: openCallbacks(profile) } },
            meta: { kernel: opening },
          },
          'vendor.exit': {
            guard: { type: 'isOneOfCallbacks', params: { cbs: openCallbacks(profile) } },
            meta: { kernel: opening, note: 'an open error is passed through and no fd is created' },
          },
          'vfio.fd.open': {
            guard: 'vfioAcceptsOpen',
            target: 'open',
            actions: 'setOpenFds',
            meta: { kernel: 'VFIO_GROUP_GET_DEVICE_FD', returns: 'fd' },
          },
        },
      },
      open: {
        description: 'At least one device fd is open: removal and unregistration of the device wait for it.',
        on: {
          'vendor.enter': {
            guard: { type: 'isOneOfCallbacks', params: { cbs: fdCallbacks(profile) } },
            meta: { kernel: 'vfio_device_fops → vendor ops' },
          },
          'vendor.exit': {
            guard: { type: 'isOneOfCallbacks', params: { cbs: fdCallbacks(profile) } },
            meta: { kernel: 'vfio_device_fops → vendor ops' },
          },
          'vfio.fd.open': {
            guard: 'vfioAcceptsOpen',
            actions: 'setOpenFds',
            meta: { kernel: 'VFIO_GROUP_GET_DEVICE_FD', returns: 'fd' },
          },
          'vfio.fd.close': [
            {
              guard: 'lastFdClosed',
              target: 'closed',
              actions: 'setOpenFds',
              meta: { kernel: 'vfio_device_fops_release', note: 'last close' },
            },
            { actions: 'setOpenFds', meta: { kernel: 'vfio_device_fops_release' } },
          ],
        },
      },
    },
  });
}
