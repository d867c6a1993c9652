/**
 * A deliberately faulty mtty (6.1): its port accounting is check-then-act without a lock. `init` reads the
 * free port count, checks it, and later stores the count it read minus its ports. Two creates that
 * interleave there both pass the check and one update is lost: the pool forgets ports that are in use, so
 * `available_instances` is too high, later creates oversubscribe the ports, and once the devices are
 * removed the pool holds more ports than exist. The real sample reserves with `atomic_try_cmpxchg`
 * (kernel-semantics.md §4.2). Everything else is the sample's (`mttyV61Module`).
 */
import {
  defineVendorDriver,
  ENOSPC,
  type Kernel,
  MTTY_MAX_PORTS,
  type MttyPorts,
  MttyState,
  mttyV61Module,
  preemptionPoint,
  sampleParents,
} from 'mdevspec/driver';

function racyPorts(kernel: () => Kernel): MttyPorts {
  let free = MTTY_MAX_PORTS;
  return {
    reset: () => {
      free = MTTY_MAX_PORTS;
    },
    reserve: async (task, need, uuid) => {
      const seen = free; // read ...
      if (seen < need) return -ENOSPC; // ... check ...
      await preemptionPoint(kernel(), task, 'mtty init: free ports read, not yet updated');
      free = seen - need; // ... act on what was read. BUG: not atomic; a racing update is lost
      return new MttyState(uuid, need).allocated(kernel(), task);
    },
    release: async (task, state) => {
      free += state.nrPorts;
      state.free(kernel(), task);
    },
    freePorts: async () => free,
  };
}

export default defineVendorDriver({
  name: 'mtty-racy-ports',
  description: 'mtty whose port accounting is check-then-act without a lock',
  kernel: 'v6.1',
  module: 'mtty',
  create: () => mttyV61Module('mtty', { ports: racyPorts }),
  accounting: sampleParents('v6.1').mtty!,
  plantedBug:
    'init reads, checks and updates the free ports in separate steps; racing creates lose an update',
});
