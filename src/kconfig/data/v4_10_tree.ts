import { stubKconfig, VIRT_LIB_KCONFIG } from './stubs.ts';
import { V4_10_VFIO_KCONFIG } from './v4_10_vfio_kconfig.ts';

/**
 * The v4.10 `drivers/vfio/mdev/Kconfig`, written from kernel-semantics.md §3.3 (structure verified from
 * 5.x copies); help texts are our own words.
 */
const MDEV_KCONFIG = `# mdevspec: v4.10 drivers/vfio/mdev/Kconfig, written from kernel-semantics.md §3.3.

config VFIO_MDEV
	tristate "Mediated device driver framework"
	depends on VFIO
	default n
	help
	  The mdev core: lets a physical device driver expose virtual
	  "mediated" devices that userspace creates through sysfs.

config VFIO_MDEV_DEVICE
	tristate "VFIO driver for Mediated devices"
	depends on VFIO && VFIO_MDEV
	default n
	help
	  The vfio_mdev bridge driver that hands mediated devices to
	  userspace through VFIO.
`;

/** The v4.10 sample driver options; only the mtty sample existed then. */
const SAMPLES_KCONFIG = `# mdevspec: v4.10 samples/Kconfig, reduced to the VFIO mdev sample.
# PARAPHRASE-FROM-MEMORY in kernel-semantics.md §3.3: the dependency of SAMPLE_VFIO_MDEV_MTTY.

menuconfig SAMPLES
	bool "Sample kernel code"
	help
	  Build the sample code shipped with the kernel.

if SAMPLES

config SAMPLE_VFIO_MDEV_MTTY
	tristate "Build the VFIO mtty mediated device sample (module only)"
	depends on VFIO_MDEV_DEVICE && m
	help
	  A virtual serial port driver showing how a vendor driver
	  registers with the mdev core.

endif
`;

/** Every Kconfig file the v4.10 profile reads, by path; `drivers/vfio/Kconfig` is the seed text. */
export const V4_10_KCONFIG_FILES: Readonly<Record<string, string>> = {
  'drivers/vfio/Kconfig': V4_10_VFIO_KCONFIG,
  'drivers/vfio/pci/Kconfig': stubKconfig('drivers/vfio/pci/Kconfig'),
  'drivers/vfio/platform/Kconfig': stubKconfig('drivers/vfio/platform/Kconfig'),
  'drivers/vfio/mdev/Kconfig': MDEV_KCONFIG,
  'virt/lib/Kconfig': VIRT_LIB_KCONFIG,
  'samples/Kconfig': SAMPLES_KCONFIG,
};
