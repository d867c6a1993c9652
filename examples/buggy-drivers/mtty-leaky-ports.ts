/**
 * A deliberately faulty mtty (6.1) whose bug needs no race: every instance reserves one port more than its
 * type needs and gives back only what its type needs. `available_instances` is one port short after the
 * first create, and every removal leaks a port. Sequential generated paths catch it (`mdevspec paths
 * --format vitest --driver`), and so does `mdevspec check` (instance accounting). Everything else is the
 * sample's (`mttyV61Module`).
 */
import {
  defineVendorDriver,
  ENOSPC,
  type Kernel,
  MTTY_MAX_PORTS,
  type MttyPorts,
  MttyState,
  mttyV61Module,
  sampleParents,
} from 'mdevspec/driver';

function leakyPorts(kernel: () => Kernel): MttyPorts {
  let free = MTTY_MAX_PORTS;
  return {
    reset: () => {
      free = MTTY_MAX_PORTS;
    },
    reserve: async (task, need, uuid) => {
      if (free < need + 1) return -ENOSPC;
      free -= need + 1; // BUG: one port too many
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
  name: 'mtty-leaky-ports',
  description: 'mtty that takes one port too many per instance',
  kernel: 'v6.1',
  module: 'mtty',
  create: () => mttyV61Module('mtty', { ports: leakyPorts }),
  accounting: sampleParents('v6.1').mtty!,
  plantedBug:
    'init reserves one port more than the type needs and release gives back only what the type needs',
});
