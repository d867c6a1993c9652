/**
 * A deliberately faulty mtty (6.1) whose bug needs no race: every instance reserves one port more than its
 * type needs and gives back only what its type needs. `available_instances` is one port short after the
 * first create, and every removal leaks a port. Sequential generated paths catch it (`mdevspec paths
 * --format vitest --driver`), and so does `mdevspec check` (instance accounting).
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
  let freePorts = MAX_PORTS;
  let registered: Sample61Parent | null = null;
  const state = (vdev: VfioDevice) => vdev.priv as PortState;
  const ops: VfioDeviceOps = {
    init: async (task, vdev) => {
      const mdev = vdev.dev as MdevDevice;
      const need = Number(mdev.type.vendorData.nrPorts);
      if (freePorts < need + 1) return -ENOSPC;
      freePorts -= need + 1; // BUG: one port too many
      vdev.priv = new PortState(mdev.uuid, need).allocated(k(), task);
      return 0;
    },
    release: async (task, vdev) => {
      freePorts += state(vdev).nrPorts;
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
    getAvailable: async (_task, type) => Math.trunc(freePorts / Number(type.vendorData.nrPorts)),
    devGroups: () => [],
  };
  return {
    name: 'mtty',
    deps: ['vfio', 'mdev'],
    params: {},
    async init(kern, task) {
      kernel = kern;
      freePorts = MAX_PORTS;
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
  name: 'mtty-leaky-ports',
  description: 'mtty that takes one port too many per instance',
  kernel: 'v6.1',
  module: 'mtty',
  create: module,
  accounting: sampleParents('v6.1').mtty!,
  plantedBug:
    'init reserves one port more than the type needs and release gives back only what the type needs',
});
