import { ARM64_KCONFIG, POWERPC_KCONFIG, S390_KCONFIG, X86_KCONFIG } from './data/arch_kconfig.ts';
import type { KconfigAssignments } from './evaluate.ts';

/** An architecture and platform choice: Kconfig text for its arch-side symbols plus its `.config` choices. */
export interface ArchPreset {
  readonly name: string;
  readonly description: string;
  /** Kconfig text defining the arch symbols; read after the common symbols and before the kernel's files. */
  readonly kconfig: string;
  /** The preset's `.config` choices for its arch symbols (callers can override any of them). */
  readonly assignments: KconfigAssignments;
}

/** The names of the built-in presets. */
export type ArchPresetName =
  | 'x86_64'
  | 's390'
  | 'arm64'
  | 'arm64-smmu'
  | 'arm64-smmuv3'
  | 'powerpc-powernv'
  | 'powerpc-pseries';

/**
 * The built-in presets. Their IOMMU drivers decide VFIO's backends: on x86_64 INTEL_IOMMU/AMD_IOMMU, on
 * s390 S390_IOMMU (def_bool y if S390 && PCI), on arm64 ARM_SMMU, ARM_SMMU_V3 or (plain `arm64`) only the
 * Rockchip IOMMU, on powerpc SPAPR_TCE_IOMMU; each selects IOMMU_API.
 */
export const ARCH_PRESETS: Readonly<Record<ArchPresetName, ArchPreset>> = {
  x86_64: {
    name: 'x86_64',
    description: 'x86_64 with the Intel and AMD IOMMU drivers',
    kconfig: X86_KCONFIG,
    assignments: { INTEL_IOMMU: 'y', AMD_IOMMU: 'y' },
  },
  s390: {
    name: 's390',
    description: 's390 with PCI (S390_IOMMU)',
    kconfig: S390_KCONFIG,
    assignments: {},
  },
  arm64: {
    name: 'arm64',
    description: 'arm64 with an IOMMU other than the Arm SMMUs (Rockchip IOMMU)',
    kconfig: ARM64_KCONFIG,
    assignments: { ARCH_ROCKCHIP: 'y', ROCKCHIP_IOMMU: 'y', ARM_SMMU: 'n', ARM_SMMU_V3: 'n' },
  },
  'arm64-smmu': {
    name: 'arm64-smmu',
    description: 'arm64 with the Arm SMMU (v1/v2) driver built in',
    kconfig: ARM64_KCONFIG,
    assignments: { ARM_SMMU: 'y', ARM_SMMU_V3: 'n' },
  },
  'arm64-smmuv3': {
    name: 'arm64-smmuv3',
    description: 'arm64 with the Arm SMMUv3 driver built in',
    kconfig: ARM64_KCONFIG,
    assignments: { ARM_SMMU: 'n', ARM_SMMU_V3: 'y' },
  },
  'powerpc-powernv': {
    name: 'powerpc-powernv',
    description: 'powerpc64 PowerNV (bare metal) with the sPAPR TCE IOMMU',
    kconfig: POWERPC_KCONFIG,
    assignments: { PPC_POWERNV: 'y', PPC_PSERIES: 'n', SPAPR_TCE_IOMMU: 'y' },
  },
  'powerpc-pseries': {
    name: 'powerpc-pseries',
    description: 'powerpc64 pSeries (PowerVM/KVM guest) with the sPAPR TCE IOMMU',
    kconfig: POWERPC_KCONFIG,
    assignments: { PPC_POWERNV: 'n', PPC_PSERIES: 'y', SPAPR_TCE_IOMMU: 'y' },
  },
};

/** The built-in preset names, in a stable order. */
export const ARCH_PRESET_NAMES = Object.keys(ARCH_PRESETS) as readonly ArchPresetName[];
