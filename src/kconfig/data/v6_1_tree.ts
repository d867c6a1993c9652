import { stubKconfig, VIRT_LIB_KCONFIG } from './stubs.ts';

/**
 * The v6.1 `drivers/vfio/Kconfig`, written in Kconfig syntax from the facts verified against Debian
 * 6.1.192 (kernel-semantics.md §3.3); help texts are our own words.
 */
const VFIO_KCONFIG = `# mdevspec: v6.1 drivers/vfio/Kconfig, written from kernel-semantics.md §3.3 (Debian 6.1.192).

menuconfig VFIO
	tristate "VFIO Non-Privileged userspace driver framework"
	select IOMMU_API
	select VFIO_IOMMU_TYPE1 if MMU && (X86 || S390 || ARM || ARM64)
	select INTERVAL_TREE
	help
	  Lets userspace drivers own devices safely, with the IOMMU
	  isolating their DMA.

	  If unsure, say N.

if VFIO

config VFIO_IOMMU_TYPE1
	tristate
	default n

config VFIO_IOMMU_SPAPR_TCE
	tristate
	depends on SPAPR_TCE_IOMMU
	default VFIO

config VFIO_SPAPR_EEH
	tristate
	depends on EEH && VFIO_IOMMU_SPAPR_TCE
	default VFIO

config VFIO_VIRQFD
	tristate
	select EVENTFD
	default n

config VFIO_NOIOMMU
	bool "VFIO No-IOMMU support"
	help
	  Lets VFIO drive devices that have no IOMMU. Nothing isolates
	  their DMA, so using it taints the kernel, and such devices
	  cannot be given to virtual machines.

	  If unsure, say N.

source "drivers/vfio/pci/Kconfig"
source "drivers/vfio/platform/Kconfig"
source "drivers/vfio/mdev/Kconfig"
source "drivers/vfio/fsl-mc/Kconfig"

endif

source "virt/lib/Kconfig"
`;

/** The v6.1 `drivers/vfio/mdev/Kconfig`: the mdev core, sourced inside `if VFIO`. */
const MDEV_KCONFIG = `# mdevspec: v6.1 drivers/vfio/mdev/Kconfig, written from kernel-semantics.md §3.3.

config VFIO_MDEV
	tristate "Mediated device driver framework"
	default n
	help
	  The mdev core: lets a device driver expose virtual "mediated"
	  devices that userspace creates through sysfs and opens with VFIO.
`;

/** The v6.1 sample driver options for the three VFIO mdev samples. */
const SAMPLES_KCONFIG = `# mdevspec: v6.1 samples/Kconfig, reduced to the VFIO mdev samples.

menuconfig SAMPLES
	bool "Sample kernel code"
	help
	  Build the sample code shipped with the kernel.

if SAMPLES

config SAMPLE_VFIO_MDEV_MTTY
	tristate "Build the VFIO mtty mediated device sample (module only)"
	depends on VFIO_MDEV && m
	help
	  A virtual serial port driver showing the mdev driver interface.

config SAMPLE_VFIO_MDEV_MDPY
	tristate "Build the VFIO mdpy mediated device sample (module only)"
	depends on VFIO_MDEV && m
	help
	  A virtual display device driver for the mdev framework.

config SAMPLE_VFIO_MDEV_MBOCHS
	tristate "Build the VFIO mbochs mediated device sample (module only)"
	depends on VFIO_MDEV && m
	select DMA_SHARED_BUFFER
	help
	  A virtual bochs display device with dma-buf export.

endif
`;

/** Every Kconfig file the v6.1 profile reads, by path. */
export const V6_1_KCONFIG_FILES: Readonly<Record<string, string>> = {
  'drivers/vfio/Kconfig': VFIO_KCONFIG,
  'drivers/vfio/pci/Kconfig': stubKconfig('drivers/vfio/pci/Kconfig'),
  'drivers/vfio/platform/Kconfig': stubKconfig('drivers/vfio/platform/Kconfig'),
  'drivers/vfio/mdev/Kconfig': MDEV_KCONFIG,
  'drivers/vfio/fsl-mc/Kconfig': stubKconfig('drivers/vfio/fsl-mc/Kconfig'),
  'virt/lib/Kconfig': VIRT_LIB_KCONFIG,
  'samples/Kconfig': SAMPLES_KCONFIG,
};
