/**
 * A deliberately faulty mtty (6.1) that keeps a list of its devices, as the 4.10 sample did, and computes
 * `available_instances` by walking it — without taking the list's lock. Adds and removals are locked, but a
 * walk that is preempted can meet an entry whose device was released (and freed) meanwhile: a use after
 * free (the bug of C-10, "vfio-mdev/samples: make mdev_fops const and static" era mtty, fixed by walking
 * under `mdev_list_lock`; kernel-semantics.md §4.1, §5). Everything else is the sample's (`mttyV61Module`).
 */
import {
  defineVendorDriver,
  ENOSPC,
  type Kernel,
  MTTY_MAX_PORTS,
  type MttyPorts,
  MttyState,
  Mutex,
  mttyV61Module,
  preemptionPoint,
  sampleParents,
} from 'mdevspec/driver';

function listedPorts(kernel: () => Kernel): MttyPorts {
  let devices: MttyState[] = [];
  let listLock: Mutex | null = null;
  return {
    reset: () => {
      devices = [];
      listLock = new Mutex(kernel().rt, 'mtty mdev_list_lock');
    },
    reserve: async (task, need, uuid) => {
      await listLock!.lock(task);
      try {
        const used = devices.reduce((n, d) => n + d.nrPorts, 0);
        if (MTTY_MAX_PORTS - used < need) return -ENOSPC;
        const state = new MttyState(uuid, need).allocated(kernel(), task);
        devices.push(state);
        return state;
      } finally {
        listLock!.unlock(task);
      }
    },
    release: async (task, state) => {
      await listLock!.lock(task);
      devices = devices.filter((d) => d !== state);
      listLock!.unlock(task);
      state.free(kernel(), task);
    },
    /** Ports not used by the listed devices. BUG: walks the list without `listLock`. */
    freePorts: async (task) => {
      let used = 0;
      for (const entry of [...devices]) {
        await preemptionPoint(kernel(), task, 'mtty available_instances: walking the device list unlocked');
        if (entry.use(kernel(), task, 'available_instances list walk')) used += entry.nrPorts;
      }
      return MTTY_MAX_PORTS - used;
    },
  };
}

export default defineVendorDriver({
  name: 'mtty-unlocked-list',
  description: 'mtty whose available_instances walks its device list without the list lock',
  kernel: 'v6.1',
  module: 'mtty',
  create: () => mttyV61Module('mtty', { ports: listedPorts }),
  accounting: sampleParents('v6.1').mtty!,
  plantedBug: 'available_instances walks the device list unlocked and can touch a device freed meanwhile',
});
