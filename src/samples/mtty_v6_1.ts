import type { Kernel, ModuleDef } from '../kernel/kernel.ts';
import type { Task } from '../kernel/task.ts';
import type { MdevDevice } from '../mdev/mdev_device.ts';
import type { MdevDriver } from '../mdev/mdev_driver_ops.ts';
import type { VfioDevice, VfioDeviceOps } from '../vfio/vfio_device.ts';
import { EmulatedPci, emulatedPciOps } from './pci_emulation.ts';
import { ResourcePool } from './resource_pool.ts';
import {
  probeEmulated,
  registerSample61,
  removeEmulated,
  type Sample61Parent,
  unregisterSample61,
} from './sample_parent.ts';
import { VendorState } from './vendor_state.ts';

/** mtty's pool of serial ports shared by all instances (`MAX_MTTYS`). */
export const MTTY_MAX_PORTS = 24;

/** `struct mdev_state` of mtty: its ports and emulated PCI function. */
export class MttyState extends VendorState {
  readonly pci = new EmulatedPci({ vendor: 0x4348, device: 0x3253, numRegions: 9, configSize: 0xff });
  constructor(
    uuid: string,
    readonly nrPorts: number,
  ) {
    super(uuid, 'mtty');
  }
}

/**
 * How an mtty accounts its ports: the part a faulty variant of the sample replaces (examples/buggy-drivers).
 * `kernel` gives the running kernel once the module is loaded.
 */
export interface MttyPorts {
  /** `module_init`: every port free again. */
  reset(): void;
  /** VFIO `init`: reserve `need` ports for device `uuid`; its allocated state, or a negative errno. */
  reserve(task: Task, need: number, uuid: string): Promise<MttyState | number>;
  /** VFIO `release` (after the last device fd closed): give the ports back and free the state. */
  release(task: Task, state: MttyState): Promise<void>;
  /** Free ports, for `available_instances`. */
  freePorts(task: Task): Promise<number>;
}

/**
 * The 6.1 sample's port accounting (kernel-semantics.md §4.2): `atomic_try_cmpxchg` on one pool of 24 ports
 * (-ENOSPC when short), given back at release.
 */
export function mttyAtomicPorts(kernel: () => Kernel): MttyPorts {
  const pool = new ResourcePool(MTTY_MAX_PORTS);
  return {
    reset: () => {
      pool.avail = MTTY_MAX_PORTS;
    },
    reserve: async (task, need, uuid) => {
      const ret = pool.reserve(need);
      return ret ? ret : new MttyState(uuid, need).allocated(kernel(), task);
    },
    release: async (task, state) => {
      pool.give(state.nrPorts);
      state.free(kernel(), task);
    },
    freePorts: async () => pool.avail,
  };
}

/** What may differ from the sample in a variant of it: the port accounting, and the mdev driver's `remove`. */
export interface MttyVariant {
  readonly ports?: (kernel: () => Kernel) => MttyPorts;
  /** The mdev driver's remove (the sample's: `vfio_unregister_group_dev`, which waits for the device fds). */
  readonly remove?: (kernel: Kernel, task: Task, mdev: MdevDevice) => Promise<void>;
}

/**
 * samples/vfio-mdev/mtty.c at 6.1 (kernel-semantics.md §4.2): types `mtty-1` (1 port) and `mtty-2` (2
 * ports) drawing on one pool of 24 ports; `get_available` = free ports / ports of the type; `init`
 * reserves the ports atomically (`atomic_try_cmpxchg`; -ENOSPC when short) and `release` gives them back
 * — only once the VFIO device is released, i.e. after the last device fd closed. No open/close callbacks.
 * `variant` replaces parts of it (the faulty example drivers are built so).
 */
export function mttyV61Module(name = 'mtty', variant: MttyVariant = {}): ModuleDef {
  let registered: Sample61Parent | null = null;
  let kernel: Kernel | null = null;
  const k = (): Kernel => kernel!;
  const ports = (variant.ports ?? mttyAtomicPorts)(k);

  const state = (vdev: VfioDevice) => vdev.priv as MttyState;
  const ops: VfioDeviceOps = {
    name: 'vfio-mtty',
    init: async (task, vdev) => {
      const mdev = vdev.dev as MdevDevice;
      const s = await ports.reserve(task, Number(mdev.type.vendorData.nrPorts), mdev.uuid);
      if (typeof s === 'number') return s;
      vdev.priv = s;
      return 0;
    },
    release: (task, vdev) => ports.release(task, state(vdev)),
    ...emulatedPciOps<VfioDevice>(k, state),
  };

  const driver: MdevDriver = {
    name,
    owner: name,
    deviceApi: 'vfio-pci',
    maxInstances: 0,
    probe: (task, mdev) => probeEmulated(k(), task, mdev, ops, name),
    remove: (task, mdev) => (variant.remove ?? removeEmulated)(k(), task, mdev),
    getAvailable: async (task, type) =>
      Math.floor((await ports.freePorts(task)) / Number(type.vendorData.nrPorts)),
    devGroups: (mdev) => [
      { name: 'vendor', attrs: { sample_mdev_dev: { show: async () => `This is MDEV ${mdev.uuid}\n` } } },
    ],
  };

  return {
    name,
    deps: ['vfio', 'mdev'],
    params: {},
    async init(kern, task) {
      kernel = kern;
      ports.reset();
      kern.klog.log(6, 'mtty_dev: mtty_dev_init');
      kern.klog.log(6, 'major_number:245');
      const r = await registerSample61(kern, task, 'mtty', driver, [
        { sysfsName: '1', prettyName: 'Single port serial', vendorData: { nrPorts: 1 } },
        { sysfsName: '2', prettyName: 'Dual port serial', vendorData: { nrPorts: 2 } },
      ]);
      if (typeof r === 'number') return r;
      registered = r;
      return 0;
    },
    async exit(kern, task) {
      if (registered) await unregisterSample61(kern, task, registered, driver);
      registered = null;
      kern.klog.log(6, 'mtty_dev: Unloaded!');
    },
  };
}
