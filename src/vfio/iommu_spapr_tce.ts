import type { KernelProfile } from '../../machines/profile.ts';
import { EINVAL, ENODEV, ENOTTY } from '../kernel/errno.ts';
import type { VfioIommuDriverOps } from './iommu_driver.ts';
import { VFIO_EEH, VFIO_SPAPR_TCE_IOMMU, VFIO_SPAPR_TCE_v2_IOMMU } from './uapi.ts';

/**
 * The sPAPR TCE backend (drivers/vfio/vfio_iommu_spapr_tce.c, module vfio_iommu_spapr_tce), built only on
 * powerpc (PowerNV/pSeries). It cannot serve mdevs: 6.1 `tce_iommu_attach_group` returns -EINVAL for
 * VFIO_EMULATED_IOMMU groups; 4.10 finds no `table_group` iommudata on an mdev group (-ENODEV, UNVERIFIED:
 * reconstructed from the 4.x code structure, kernel-semantics.md §3.3/§6.5 say only "no pinning support").
 */
export function spaprTceBackend(kernel: KernelProfile, eeh: boolean): VfioIommuDriverOps {
  return {
    name: 'iommu-vfio-powerpc',
    owner: 'vfio_iommu_spapr_tce',
    open(_task, type) {
      if (type !== VFIO_SPAPR_TCE_IOMMU && type !== VFIO_SPAPR_TCE_v2_IOMMU) return -EINVAL;
      return { backend: 'spapr_tce', type, groups: [] };
    },
    release() {},
    checkExtension(_data, ext) {
      if (ext === VFIO_SPAPR_TCE_IOMMU || ext === VFIO_SPAPR_TCE_v2_IOMMU) return 1;
      return ext === VFIO_EEH && eeh ? 1 : 0;
    },
    attachGroup(data, group, type) {
      if (type === 'emulated' || type === 'noiommu') return kernel === 'v6.1' ? -EINVAL : -ENODEV;
      data.groups.push({ group, type });
      return 0;
    },
    detachGroup(data, group) {
      const i = data.groups.findIndex((g) => g.group === group);
      if (i >= 0) data.groups.splice(i, 1);
    },
    ioctl() {
      return -ENOTTY;
    },
  };
}
