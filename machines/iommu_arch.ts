/** The architecture presets the IOMMU backend machine knows (the same names as the Kconfig presets). */
export type IommuArch =
  | 'x86_64'
  | 's390'
  | 'arm64'
  | 'arm64-smmu'
  | 'arm64-smmuv3'
  | 'powerpc-powernv'
  | 'powerpc-pseries';

/**
 * The Kconfig symbols each preset sets (`y`) that VFIO's Kconfig can read (kernel-semantics.md §3.3):
 * the arch, MMU/PCI, and the IOMMU drivers, each of which selects IOMMU_API. Plain `arm64` has an IOMMU
 * that is not an Arm SMMU (the Rockchip IOMMU).
 */
export const IOMMU_ARCH_SYMBOLS: Readonly<Record<IommuArch, readonly string[]>> = {
  x86_64: ['X86', 'X86_64', 'MMU', 'PCI', 'INTEL_IOMMU', 'AMD_IOMMU', 'IOMMU_API'],
  s390: ['S390', 'MMU', 'PCI', 'S390_IOMMU', 'IOMMU_API'],
  arm64: ['ARM64', 'MMU', 'PCI', 'ARCH_ROCKCHIP', 'ROCKCHIP_IOMMU', 'IOMMU_API'],
  'arm64-smmu': ['ARM64', 'MMU', 'PCI', 'ARM_SMMU', 'IOMMU_API'],
  'arm64-smmuv3': ['ARM64', 'MMU', 'PCI', 'ARM_SMMU_V3', 'IOMMU_API'],
  'powerpc-powernv': ['PPC', 'PPC64', 'MMU', 'PCI', 'PPC_POWERNV', 'EEH', 'SPAPR_TCE_IOMMU', 'IOMMU_API'],
  'powerpc-pseries': ['PPC', 'PPC64', 'MMU', 'PCI', 'PPC_PSERIES', 'EEH', 'SPAPR_TCE_IOMMU', 'IOMMU_API'],
};

/** Every preset, in a stable order. */
export const IOMMU_ARCHES = Object.keys(IOMMU_ARCH_SYMBOLS) as readonly IommuArch[];
