import type { ModuleDef } from '../kernel/kernel.ts';
import { moduleParamsDir } from '../module/params_sysfs.ts';
import { noiommuBackend } from './iommu_noiommu.ts';
import { VfioCore } from './vfio_core.ts';

/**
 * vfio.ko: the VFIO core, `/dev/vfio/vfio`, and (with CONFIG_VFIO_NOIOMMU) the noiommu backend and the
 * `enable_unsafe_noiommu_mode` parameter (0644: root may flip it at run time).
 */
export const vfioModule: ModuleDef = {
  name: 'vfio',
  deps: [],
  params: {
    enable_unsafe_noiommu_mode: {
      type: 'bool',
      default: false,
      writable: true,
      description: 'Enable UNSAFE, no-IOMMU mode (needs CONFIG_VFIO_NOIOMMU)',
    },
  },
  async init(k, _task, params) {
    const vfio = new VfioCore(k);
    k.vfio = vfio;
    k.klog.log(6, 'VFIO - User Level meta-driver version: 0.3');
    if (k.build.noiommu) {
      vfio.noiommuMode = params.enable_unsafe_noiommu_mode === true;
      vfio.containers.registerDriver(noiommuBackend(() => vfio.noiommuMode));
      moduleParamsDir(k, 'vfio', {
        enable_unsafe_noiommu_mode: {
          get: () => (vfio.noiommuMode ? 'Y' : 'N'),
          set: (v) => {
            vfio.noiommuMode = v;
          },
        },
      });
    }
    return 0;
  },
  async exit(k) {
    k.vfio?.shutdown();
    const dir = k.kernfs.lookup('/sys/module/vfio');
    if (typeof dir !== 'number') k.kernfs.unlink(dir);
    k.vfio = null;
  },
};
