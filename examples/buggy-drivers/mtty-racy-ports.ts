/**
 * A deliberately faulty mtty (6.1): its port accounting is check-then-act without a lock. `init` reads the
 * free port count, checks it, and later stores the count it read minus its ports. Two creates that
 * interleave there both pass the check and one update is lost: the pool forgets ports that are in use, so
 * `available_instances` is too high, later creates oversubscribe the ports, and once the devices are
 * removed the pool holds more ports than exist. The real sample reserves with `atomic_try_cmpxchg`
 * (kernel-semantics.md §4.2).
 */
import {
  defineVendorDriver,
  EmulatedPci,
  ENOSPC,
  emulatedPciOps,
  type Kernel,
  type MdevDevice,
  type MdevDriver,
  type ModuleDef,
  preemptionPoint,
  probeEmulated,
  registerSample61,
  removeEmulated,
  type Sample61Parent,
  sampleParents,
  unregisterSample61,
  VendorState,
  type VfioDevice,
  type VfioDeviceOps,
} from 'mdevspec/driver';

const MAX_PORTS = 24;

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
  let availPorts = MAX_PORTS;
  let registered: Sample61Parent | null = null;
  const state = (vdev: VfioDevice) => vdev.priv as PortState;

  const ops: VfioDeviceOps = {
    init: async (task, vdev) => {
      const mdev = vdev.dev as MdevDevice;
      const need = Number(mdev.type.vendorData.nrPorts);
      const avail = availPorts; // read ...
      if (avail < need) return -ENOSPC; // ... check ...
      await preemptionPoint(k(), task, 'mtty init: free ports read, not yet updated');
      availPorts = avail - need; // ... act on what was read. BUG: not atomic; a racing update is lost
      vdev.priv = new PortState(mdev.uuid, need).allocated(k(), task);
      return 0;
    },
    release: async (task, vdev) => {
      availPorts += state(vdev).nrPorts;
      state(vdev).free(k(), task);
    },
    ...emulatedPciOps<VfioDevice>(k, state),
  };

  const driver: MdevDriver = {
    name: 'mtty',
    owner: 'mtty',
    deviceApi: 'vfio-pci',
    maxInstances: 0,
    probe: (task, mdev) => probeEmulated(k(), task, mdev, ops, 'mtty'),
    remove: (task, mdev) => removeEmulated(k(), task, mdev),
    getAvailable: async (_task, type) => Math.trunc(availPorts / Number(type.vendorData.nrPorts)),
    devGroups: () => [],
  };

  return {
    name: 'mtty',
    deps: ['vfio', 'mdev'],
    params: {},
    async init(kern, task) {
      kernel = kern;
      availPorts = MAX_PORTS;
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
  name: 'mtty-racy-ports',
  description: 'mtty whose port accounting is check-then-act without a lock',
  kernel: 'v6.1',
  module: 'mtty',
  create: module,
  accounting: sampleParents('v6.1').mtty!,
  plantedBug:
    'init reads, checks and updates the free ports in separate steps; racing creates lose an update',
});
