import type { KernelProfile } from '../../machines/profile.ts';
import { EINVAL, ENOTTY } from '../kernel/errno.ts';
import type { IommuData, VfioIommuDriverOps } from './iommu_driver.ts';
import {
  VFIO_DMA_CC_IOMMU,
  VFIO_TYPE1_IOMMU,
  VFIO_TYPE1_NESTING_IOMMU,
  VFIO_TYPE1v2_IOMMU,
  VFIO_UNMAP_ALL,
  VFIO_UPDATE_VADDR,
} from './uapi.ts';

/**
 * The type1 IOMMU backend (drivers/vfio/vfio_iommu_type1.c, module vfio_iommu_type1). mdev groups attach as
 * emulated ("external domain") groups. `VFIO_UNMAP_ALL`/`VFIO_UPDATE_VADDR` exist from 5.12 on; UPDATE_VADDR
 * is 0 without an iommu or while emulated (mdev) groups are attached (6.1 `vfio_iommu_has_emulated`).
 */
export function type1Backend(kernel: KernelProfile): VfioIommuDriverOps {
  return {
    name: 'vfio-iommu-type1',
    owner: 'vfio_iommu_type1',
    open(_task, type) {
      if (type === VFIO_TYPE1_IOMMU || type === VFIO_TYPE1v2_IOMMU || type === VFIO_TYPE1_NESTING_IOMMU) {
        return { backend: 'type1', type, groups: [] };
      }
      return -EINVAL;
    },
    release() {},
    checkExtension(data, ext) {
      switch (ext) {
        case VFIO_TYPE1_IOMMU:
        case VFIO_TYPE1v2_IOMMU:
        case VFIO_TYPE1_NESTING_IOMMU:
          return 1;
        case VFIO_UNMAP_ALL:
          return kernel === 'v6.1' ? 1 : 0;
        case VFIO_UPDATE_VADDR:
          return kernel === 'v6.1' && data !== null && !data.groups.some((g) => g.type === 'emulated')
            ? 1
            : 0;
        case VFIO_DMA_CC_IOMMU:
          return 0;
        default:
          return 0;
      }
    },
    attachGroup(data, group, type) {
      data.groups.push({ group, type });
      return 0;
    },
    detachGroup(data, group) {
      const i = data.groups.findIndex((g) => g.group === group);
      if (i >= 0) data.groups.splice(i, 1);
    },
    ioctl(_data: IommuData, cmd) {
      return cmd === 'VFIO_IOMMU_MAP_DMA' || cmd === 'VFIO_IOMMU_GET_INFO' ? 0 : -ENOTTY;
    },
  };
}
