/**
 * The vendor driver interface of mdevspec: everything a driver file for `mdevspec check --driver FILE`
 * needs (import it as `mdevspec/driver`). A driver is a loadable module of the model whose `module_init`
 * registers an mdev parent, written the way the kernel's own samples are:
 *
 * - 6.1 (`kernel: 'v6.1'`): an {@link MdevDriver} (`probe`, `remove`, optional `getAvailable`) registered
 *   with {@link registerSample61}, whose probe allocates a {@link VfioDevice} with {@link VfioDeviceOps}
 *   (`init`, `release`, `openDevice`, `closeDevice`, `read`, `write`, `ioctl`) through
 *   {@link probeEmulated}; see `src/samples/mtty_v6_1.ts`. A variant of the mtty sample need only replace
 *   what differs: {@link mttyV61Module} takes its port accounting ({@link MttyPorts}) and its `remove`.
 * - 4.10 (`kernel: 'v4.10'`): an {@link MdevParentOps} table (`create`, `remove`, `open`, `release`,
 *   `read`, `write`, `ioctl`, type groups) registered with {@link registerSample410}; see
 *   `src/samples/mtty_v4_10.ts`.
 *
 * Callbacks are async and get the calling {@link Task}; they run concurrently, unserialized, exactly as the
 * mdev core calls them, and the scheduler interleaves them at every callback entry and exit, every lock
 * ({@link Mutex}) and every {@link preemptionPoint}. Per-device state that extends {@link VendorState}
 * reports a use after free or a double free as a kernel bug. Return values are 0 or a negative errno.
 */
export { sampleParents } from '../../machines/atomic_parents.ts';
export type { SpecErrno, SpecParentConfig } from '../../machines/atomic_state.ts';
export type { KernelProfile } from '../../machines/profile.ts';
export type { Device } from '../base/device.ts';
export {
  EAGAIN,
  EBUSY,
  EEXIST,
  EFAULT,
  EINVAL,
  ENODEV,
  ENOMEM,
  ENOSPC,
  ENOTTY,
  EUSERS,
} from '../kernel/errno.ts';
export type { Kernel, ModuleDef } from '../kernel/kernel.ts';
export { Mutex } from '../kernel/mutex.ts';
export type { Task } from '../kernel/task.ts';
export type { MdevDevice } from '../mdev/mdev_device.ts';
export type { MdevDriver, MdevParentOps, MdevTypeGroup } from '../mdev/mdev_driver_ops.ts';
export type { MdevType } from '../mdev/mdev_type.ts';
export type { ModuleParams } from '../module/module.ts';
export {
  MTTY_MAX_PORTS,
  type MttyPorts,
  MttyState,
  type MttyVariant,
  mttyAtomicPorts,
  mttyV61Module,
} from '../samples/mtty_v6_1.ts';
export { EmulatedPci, emulatedPciOps, type PciBackedState } from '../samples/pci_emulation.ts';
export { ResourcePool } from '../samples/resource_pool.ts';
export {
  probeEmulated,
  registerSample61,
  removeEmulated,
  type Sample61Parent,
  unregisterSample61,
} from '../samples/sample_parent.ts';
export { registerSample410, unregisterSample410 } from '../samples/sample_parent_v4_10.ts';
export { VendorState } from '../samples/vendor_state.ts';
export type { VfioDevice, VfioDeviceOps } from '../vfio/vfio_device.ts';
export { preemptionPoint } from './preemption_point.ts';
export { defineVendorDriver, type VendorDriver } from './vendor_driver.ts';
