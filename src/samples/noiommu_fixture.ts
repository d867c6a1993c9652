import type { Device } from '../base/device.ts';
import type { ModuleDef } from '../kernel/kernel.ts';
import type { VfioDevice } from '../vfio/vfio_device.ts';
import { registerClassDevice, unregisterClassDevice } from './class_device.ts';

/**
 * `vfio_noiommu_fixture`: a model-only fixture, not a kernel module. It stands for vfio-pci bound to PCI
 * functions that have no IOMMU group, so that noiommu mode can be exercised: each of its `devices`
 * functions is registered with `vfio_register_group_dev()`, which (CONFIG_VFIO_NOIOMMU and
 * `enable_unsafe_noiommu_mode=1`) gives it a fake "vfio-noiommu" group `/dev/vfio/noiommu-<N>` and taints
 * the kernel, and otherwise fails with -EINVAL (so the load fails).
 */
export function noiommuFixtureModule(): ModuleDef {
  const devices: Array<{ dev: Device; vdev: VfioDevice }> = [];
  return {
    name: 'vfio_noiommu_fixture',
    deps: ['vfio'],
    params: {
      devices: { type: 'int', default: 1, writable: false, description: 'PCI functions without an IOMMU' },
    },
    async init(k, task, params) {
      const vfio = k.vfioRequired();
      for (let i = 0; i < Number(params.devices); i++) {
        const dev = await registerClassDevice(
          k,
          task,
          'noiommu_fixture',
          `0000:00:${String(i + 1).padStart(2, '0')}.0`,
        );
        if (typeof dev === 'number') return dev;
        const vdev = await vfio.allocDevice(
          task,
          dev,
          { openDevice: async () => 0, closeDevice: async () => {} },
          'vfio_noiommu_fixture',
        );
        if (typeof vdev === 'number') return vdev;
        const ret = await vfio.registerGroupDev(task, vdev, null);
        if (ret) {
          await unregisterClassDevice(k, task, dev);
          for (const d of devices.splice(0)) {
            await vfio.unregisterGroupDev(task, d.vdev);
            await unregisterClassDevice(k, task, d.dev);
          }
          return ret;
        }
        devices.push({ dev, vdev });
      }
      return 0;
    },
    async exit(k, task) {
      for (const d of devices.splice(0)) {
        await k.vfioRequired().unregisterGroupDev(task, d.vdev);
        await unregisterClassDevice(k, task, d.dev);
      }
    },
  };
}
