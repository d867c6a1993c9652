/*
 * Arch-side Kconfig for the presets, written by mdevspec from kernel-semantics.md §3.3 (which IOMMU drivers
 * select IOMMU_API, where EEH and SPAPR_TCE_IOMMU come from). Only the symbols VFIO's Kconfig reads are
 * defined; dependencies are reduced to what decides them on these architectures.
 */

/** Symbols every preset has: modules, MMU, PCI, the helpers VFIO selects, and the IOMMU menu. */
export const COMMON_ARCH_KCONFIG = `# mdevspec: symbols shared by every arch preset.

config MODULES
	bool "Enable loadable module support"
	default y

config MMU
	def_bool y

config PCI
	bool "PCI support"
	default y

config EVENTFD
	bool "Enable eventfd() system call"
	default y

config ANON_INODES
	bool

config INTERVAL_TREE
	bool

# A bool in mainline: a module that selects it builds it in.
config DMA_SHARED_BUFFER
	bool

config IOMMU_API
	bool

menuconfig IOMMU_SUPPORT
	bool "IOMMU Hardware Support"
	depends on MMU
	default y
`;

/** x86_64: the Intel and AMD IOMMU drivers select IOMMU_API. */
export const X86_KCONFIG = `# mdevspec: x86_64 arch symbols.

config X86
	def_bool y

config X86_64
	def_bool y

if IOMMU_SUPPORT

config INTEL_IOMMU
	bool "Support for Intel IOMMU using DMA Remapping Devices"
	depends on PCI && X86
	select IOMMU_API

config AMD_IOMMU
	bool "AMD IOMMU support"
	depends on X86_64 && PCI
	select IOMMU_API

endif
`;

/** s390: S390_IOMMU is on whenever PCI is, and selects IOMMU_API. */
export const S390_KCONFIG = `# mdevspec: s390 arch symbols.

config S390
	def_bool y

if IOMMU_SUPPORT

config S390_IOMMU
	def_bool y if S390 && PCI
	depends on S390 && PCI
	select IOMMU_API

endif
`;

/**
 * arm64: the two Arm SMMU drivers (which the v4.10 VFIO Kconfig names) and, as "another IOMMU driver", the
 * Rockchip IOMMU; each selects IOMMU_API.
 */
export const ARM64_KCONFIG = `# mdevspec: arm64 arch symbols.

config ARM64
	def_bool y

config ARCH_ROCKCHIP
	bool "Rockchip Platforms"

if IOMMU_SUPPORT

config ARM_SMMU
	tristate "ARM Ltd. System MMU (SMMU) Support"
	depends on ARM64 || ARM
	select IOMMU_API

config ARM_SMMU_V3
	tristate "ARM Ltd. System MMU Version 3 (SMMUv3) Support"
	depends on ARM64
	select IOMMU_API

config ROCKCHIP_IOMMU
	bool "Rockchip IOMMU Support"
	depends on ARCH_ROCKCHIP
	select IOMMU_API

endif
`;

/** powerpc (64-bit): the PowerNV and pSeries platforms, EEH, and the sPAPR TCE IOMMU. */
export const POWERPC_KCONFIG = `# mdevspec: powerpc arch symbols.

config PPC
	def_bool y

config PPC64
	def_bool y

config PPC_POWERNV
	bool "IBM PowerNV (Non-Virtualized) platform support"
	depends on PPC64

config PPC_PSERIES
	bool "IBM pSeries & new (POWER5-based) iSeries"
	depends on PPC64

config EEH
	bool
	depends on (PPC_POWERNV || PPC_PSERIES) && PCI
	default y

if IOMMU_SUPPORT

config SPAPR_TCE_IOMMU
	bool "sPAPR TCE IOMMU Support"
	depends on PPC_POWERNV || PPC_PSERIES
	select IOMMU_API
	help
	  The parts of the IOMMU API that VFIO needs on sPAPR platforms.

endif
`;
