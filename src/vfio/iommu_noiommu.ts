import { EINVAL, ENOTTY, EPERM } from '../kernel/errno.ts';
import type { VfioIommuDriverOps } from './iommu_driver.ts';
import { VFIO_NOIOMMU_IOMMU } from './uapi.ts';

/**
 * The "vfio-noiommu" backend of container.c (CONFIG_VFIO_NOIOMMU, part of vfio.ko). It answers
 * CHECK_EXTENSION(VFIO_NOIOMMU_IOMMU) with 1 only while `enable_unsafe_noiommu_mode` is set, opens only
 * that type (-EINVAL otherwise) and only for CAP_SYS_RAWIO (-EPERM).
 */
export function noiommuBackend(enabled: () => boolean): VfioIommuDriverOps {
  return {
    name: 'vfio-noiommu',
    owner: 'vfio',
    open(task, type) {
      if (type !== VFIO_NOIOMMU_IOMMU) return -EINVAL;
      if (!task.process.capSysRawio) return -EPERM;
      return { backend: 'noiommu', type, groups: [] };
    },
    release() {},
    checkExtension(_data, ext) {
      return enabled() && ext === VFIO_NOIOMMU_IOMMU ? 1 : 0;
    },
    attachGroup() {
      return 0;
    },
    detachGroup() {},
    ioctl() {
      return -ENOTTY;
    },
  };
}
