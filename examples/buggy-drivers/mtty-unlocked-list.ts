/**
 * A deliberately faulty mtty (6.1) that keeps a list of its devices, as the 4.10 sample did, and computes
 * `available_instances` by walking it — without taking the list's lock. Adds and removals are locked, but a
 * walk that is preempted can meet an entry whose device was released (and freed) meanwhile: a use after
 * free (the bug of C-10, "vfio-mdev/samples: make mdev_fops const and static" era mtty, fixed by walking
 * under `mdev_list_lock`; kernel-semantics.md §4.1, §5).
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
  Mutex,
  preemptionPoint,
  probeEmulated,
  registerSample61,
  removeEmulated,
  type Sample61Parent,
  sampleParents,
  type Task,
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
  let registered: Sample61Parent | null = null;
  let devices: PortState[] = [];
  let listLock: Mutex | null = null;
  const state = (vdev: VfioDevice) => vdev.priv as PortState;

  /** Ports used by the listed devices. BUG: walks the list without `listLock`. */
  const usedPorts = async (task: Task): Promise<number> => {
    let used = 0;
    for (const entry of [...devices]) {
      await preemptionPoint(k(), task, 'mtty available_instances: walking the device list unlocked');
      if (entry.use(k(), task, 'available_instances list walk')) used += entry.nrPorts;
    }
    return used;
  };

  const ops: VfioDeviceOps = {
    init: async (task, vdev) => {
      const mdev = vdev.dev as MdevDevice;
      const need = Number(mdev.type.vendorData.nrPorts);
      await listLock!.lock(task);
      const used = devices.reduce((n, d) => n + d.nrPorts, 0);
      if (MAX_PORTS - used < need) {
        listLock!.unlock(task);
        return -ENOSPC;
      }
      const s = new PortState(mdev.uuid, need).allocated(k(), task);
      devices.push(s);
      listLock!.unlock(task);
      vdev.priv = s;
      return 0;
    },
    release: async (task, vdev) => {
      const s = state(vdev);
      await listLock!.lock(task);
      devices = devices.filter((d) => d !== s);
      listLock!.unlock(task);
      s.free(k(), task);
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
    getAvailable: async (task, type) =>
      Math.trunc((MAX_PORTS - (await usedPorts(task))) / Number(type.vendorData.nrPorts)),
    devGroups: () => [],
  };

  return {
    name: 'mtty',
    deps: ['vfio', 'mdev'],
    params: {},
    async init(kern, task) {
      kernel = kern;
      devices = [];
      listLock = new Mutex(kern.rt, 'mtty mdev_list_lock');
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
  name: 'mtty-unlocked-list',
  description: 'mtty whose available_instances walks its device list without the list lock',
  kernel: 'v6.1',
  module: 'mtty',
  create: module,
  accounting: sampleParents('v6.1').mtty!,
  plantedBug: 'available_instances walks the device list unlocked and can touch a device freed meanwhile',
});
