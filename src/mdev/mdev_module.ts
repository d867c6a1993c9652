import type { ModuleDef } from '../kernel/kernel.ts';
import { MdevCore } from './mdev_core.ts';

/**
 * mdev.ko: registers the mdev bus and the `mdev_bus` compat class. In 4.10 its init also calls
 * `request_module_nowait("vfio_mdev")` (kernel-semantics.md §1.1), modelled as a background load of the
 * bridge (and of vfio, which it needs, as modprobe would).
 */
export const mdevModule: ModuleDef = {
  name: 'mdev',
  deps: [],
  params: {},
  async init(k) {
    k.mdev = new MdevCore(k);
    if (k.profile.switches.driverInterface === 'parent_ops' && k.modules.available.has('vfio_mdev')) {
      k.spawn('request_module vfio_mdev', k.init, async (t) => {
        if (!k.modules.loaded.has('vfio')) await k.modules.load(t, 'vfio', '');
        await k.modules.load(t, 'vfio_mdev', '');
      });
    }
    return 0;
  },
  async exit(k) {
    k.mdev?.shutdown();
    k.mdev = null;
  },
};
