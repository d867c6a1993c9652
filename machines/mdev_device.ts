import { createFdsRegion } from './mdev_device_fds.ts';
import { lifecycleV4_10 } from './mdev_device_lifecycle_v4_10.ts';
import { lifecycleV6_1 } from './mdev_device_lifecycle_v6_1.ts';
import { ABSENT_DEVICE, mdevDeviceSetup } from './mdev_device_setup.ts';
import type { KernelProfile } from './profile.ts';

/**
 * The fine-grained lifecycle of ONE mdev device, with the intermediate states concurrency can observe
 * (kernel-semantics.md §1.5–§1.8, §2.4–§2.6, §6.3–§6.5, §7). Its events are the implementation's per-device
 * trace kinds, so a monitor can feed a device's trace straight in (`snapshot.can(event)` tells whether the
 * spec allows the next step). Two parallel regions: `lifecycle` (the profile's create/remove order) and
 * `fds` (device fds and the vendor callbacks they run). One device lifetime runs from the first event of
 * its create to `mdev.release`; a UUID created again afterwards is a new device (a new actor).
 */
export function createMdevDeviceMachine({ profile }: { readonly profile: KernelProfile }) {
  return mdevDeviceSetup.createMachine({
    id: 'mdevDevice',
    description:
      profile === 'v4.10'
        ? 'One mdev device on v4.10 (vfio_mdev bridge, parent->lock, mdev_list claim, vendor remove before unregister).'
        : 'One mdev device on v6.1 (GUID reservation, unreg_sem trylock, active flag, vendor mdev_driver).',
    context: ABSENT_DEVICE,
    type: 'parallel',
    states: {
      lifecycle: profile === 'v4.10' ? lifecycleV4_10 : lifecycleV6_1,
      fds: createFdsRegion(profile),
    },
  });
}

/** The mdev device machine of one profile. */
export type MdevDeviceMachine = ReturnType<typeof createMdevDeviceMachine>;
