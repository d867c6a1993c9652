/**
 * A deliberately faulty mbochs (6.1): `init` returns success without reserving the type's video memory,
 * while `release` still gives it back. Creates never run out (the spec says ENOSPC once the memory is
 * used up), `available_instances` never goes down, and every removal inflates the pool beyond its size.
 * The real sample reserves `mbytes` atomically in `mbochs_init_dev` (kernel-semantics.md §4.4).
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

const TYPES = [
  { sysfsName: 'small', mbytes: 4 },
  { sysfsName: 'medium', mbytes: 16 },
  { sysfsName: 'large', mbytes: 64 },
];

class DisplayState extends VendorState {
  readonly pci = new EmulatedPci({ vendor: 0x1234, device: 0x1111, numRegions: 10, configSize: 0x100 });
  constructor(
    uuid: string,
    readonly mbytes: number,
  ) {
    super(uuid, 'mbochs');
  }
}

function module(): ModuleDef {
  let kernel: Kernel | null = null;
  const k = (): Kernel => kernel!;
  const memory = new ResourcePool(256);
  let registered: Sample61Parent | null = null;
  const state = (vdev: VfioDevice) => vdev.priv as DisplayState;

  const ops: VfioDeviceOps = {
    init: async (task, vdev) => {
      const mdev = vdev.dev as MdevDevice;
      // BUG: no memory.reserve(mbytes) here, and no -ENOSPC when the memory is used up.
      vdev.priv = new DisplayState(mdev.uuid, Number(mdev.type.vendorData.mbytes)).allocated(k(), task);
      return 0;
    },
    release: async (task, vdev) => {
      memory.give(state(vdev).mbytes);
      state(vdev).free(k(), task);
    },
    ...emulatedPciOps<VfioDevice>(k, state),
  };

  const driver: MdevDriver = {
    name: 'mbochs',
    owner: 'mbochs',
    deviceApi: 'vfio-pci',
    maxInstances: 0,
    probe: (task, mdev) => probeEmulated(k(), task, mdev, ops, 'mbochs'),
    remove: (task, mdev) => removeEmulated(k(), task, mdev),
    getAvailable: async (_task, type) => Math.trunc(memory.avail / Number(type.vendorData.mbytes)),
    devGroups: () => [],
  };

  return {
    name: 'mbochs',
    deps: ['vfio', 'mdev'],
    params: {
      count: {
        type: 'int',
        default: 256,
        writable: false,
        description: 'megabytes available to mbochs devices',
      },
    },
    async init(kern, task, params) {
      kernel = kern;
      memory.avail = Number(params.count);
      const r = await registerSample61(
        kern,
        task,
        'mbochs',
        driver,
        TYPES.map((t) => ({
          sysfsName: t.sysfsName,
          prettyName: `mbochs-${t.sysfsName}`,
          vendorData: { mbytes: t.mbytes },
        })),
      );
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
  name: 'mbochs-create-without-reserve',
  description: 'mbochs whose create succeeds without reserving video memory',
  kernel: 'v6.1',
  module: 'mbochs',
  create: module,
  accounting: sampleParents('v6.1').mbochs!,
  params: { count: 24 },
  plantedBug: 'init returns 0 without reserving the memory that release gives back',
});
