import type { ModuleDef } from '../kernel/kernel.ts';
import type { VfioIommuDriverOps } from './iommu_driver.ts';
import { spaprTceBackend } from './iommu_spapr_tce.ts';
import { type1Backend } from './iommu_type1.ts';

/** A module whose init registers an IOMMU backend with VFIO and whose exit unregisters it. */
function backendModule(
  name: string,
  make: (k: Parameters<ModuleDef['init']>[0]) => VfioIommuDriverOps,
): ModuleDef {
  let ops: VfioIommuDriverOps | null = null;
  return {
    name,
    deps: ['vfio'],
    params: {},
    async init(k) {
      ops = make(k);
      return k.vfioRequired().containers.registerDriver(ops);
    },
    async exit(k) {
      if (ops) k.vfio?.containers.unregisterDriver(ops);
      ops = null;
    },
  };
}

/** vfio_iommu_type1.ko. */
export function vfioIommuType1Module(): ModuleDef {
  return backendModule('vfio_iommu_type1', (k) => type1Backend(k.profile.kernel));
}

/** vfio_iommu_spapr_tce.ko (powerpc only; EEH extension when VFIO_SPAPR_EEH is built). */
export function vfioIommuSpaprTceModule(): ModuleDef {
  return backendModule('vfio_iommu_spapr_tce', (k) => spaprTceBackend(k.profile.kernel, k.build.spaprEeh));
}
