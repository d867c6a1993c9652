/**
 * A deliberately faulty mtty (6.1): its mdev driver's `remove` frees the device state and gives the ports
 * back before `vfio_unregister_group_dev` — which is where the kernel waits for the open device fds. A
 * user holding a device fd while the device is removed then reads freed memory (KASAN: use-after-free),
 * and the ports are handed out again while the old device still runs on them. The real sample frees in the
 * VFIO `release` callback, which runs only after the last fd is closed (kernel-semantics.md §4.2, §7.5).
 */
import {
  defineVendorDriver,
  EmulatedPci,
  emulatedPciOps,
  type Kernel,
  type MdevDevice,
  type MdevDriver,
  type ModuleDef,
  probeEmulated,
  ResourcePool,
  registerSample61,
  removeEmulated,
  type Sample61Parent,
  sampleParents,
  unregisterSample61,
  VendorState,
  type VfioDevice,
  type VfioDeviceOps,
} from 'mdevspec/driver';

class PortState extends VendorState {
  readonly pci = new EmulatedPci({ vendor: 0x4348, device: 0x3253, numRegions: 9, configSize: 0xff });
  constructor(
    uuid: string,
    readonly nrPorts: number,
  ) {
    super(uuid, 'mtty');
  }
}

function module(): ModuleDef {
  let kernel: Kernel | null = null;
  const k = (): Kernel => kernel!;
  const ports = new ResourcePool(24);
  let registered: Sample61Parent | null = null;
  const state = (vdev: VfioDevice) => vdev.priv as PortState;

  const ops: VfioDeviceOps = {
    init: async (task, vdev) => {
      const mdev = vdev.dev as MdevDevice;
      const need = Number(mdev.type.vendorData.nrPorts);
      const ret = ports.reserve(need);
      if (ret) return ret;
      vdev.priv = new PortState(mdev.uuid, need).allocated(k(), task);
      return 0;
    },
    // Nothing left to do at release: remove already freed everything.
    release: async () => {},
    ...emulatedPciOps<VfioDevice>(k, state),
  };

  const driver: MdevDriver = {
    name: 'mtty',
    owner: 'mtty',
    deviceApi: 'vfio-pci',
    maxInstances: 0,
    probe: (task, mdev) => probeEmulated(k(), task, mdev, ops, 'mtty'),
    remove: async (task, mdev) => {
      const s = state(mdev.drvdata as VfioDevice);
      ports.give(s.nrPorts); // BUG: the device may still be open ...
      s.free(k(), task); // BUG: ... and its fds still reach this state
      await removeEmulated(k(), task, mdev); // waits for the open fds, too late
    },
    getAvailable: async (_task, type) => Math.trunc(ports.avail / Number(type.vendorData.nrPorts)),
    devGroups: () => [],
  };

  return {
    name: 'mtty',
    deps: ['vfio', 'mdev'],
    params: {},
    async init(kern, task) {
      kernel = kern;
      ports.avail = 24;
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
    },
  };
}

export default defineVendorDriver({
  name: 'mtty-free-in-remove',
  description: 'mtty whose remove frees the device state while a device fd is still open',
  kernel: 'v6.1',
  module: 'mtty',
  create: module,
  accounting: sampleParents('v6.1').mtty!,
  plantedBug: 'remove frees the state and returns the ports before waiting for the open device fds',
});
