import type { KernelProfile } from '../../machines/profile.ts';
import { V4_10_KCONFIG_FILES } from './data/v4_10_tree.ts';
import { V6_1_KCONFIG_FILES } from './data/v6_1_tree.ts';
import type { KconfigAssignments } from './evaluate.ts';
import type { KconfigSourceFiles } from './parser.ts';

/** One kernel's VFIO-related Kconfig files and the `.config` every preset starts from. */
export interface KernelKconfig {
  readonly version: KernelProfile;
  readonly files: KconfigSourceFiles;
  /** The files a top-level Kconfig sources, in order (after the arch symbols). */
  readonly rootSources: readonly string[];
  /** VFIO, the mdev core and the samples as modules; VFIO_NOIOMMU left unset. */
  readonly defaultAssignments: KconfigAssignments;
}

/** The modelled kernels' Kconfig by version. */
export const KERNEL_KCONFIGS: Readonly<Record<KernelProfile, KernelKconfig>> = {
  'v4.10': {
    version: 'v4.10',
    files: V4_10_KCONFIG_FILES,
    rootSources: ['drivers/vfio/Kconfig', 'samples/Kconfig'],
    defaultAssignments: {
      VFIO: 'm',
      VFIO_MDEV: 'm',
      VFIO_MDEV_DEVICE: 'm',
      SAMPLES: 'y',
      SAMPLE_VFIO_MDEV_MTTY: 'm',
    },
  },
  'v6.1': {
    version: 'v6.1',
    files: V6_1_KCONFIG_FILES,
    rootSources: ['drivers/vfio/Kconfig', 'samples/Kconfig'],
    defaultAssignments: {
      VFIO: 'm',
      VFIO_MDEV: 'm',
      SAMPLES: 'y',
      SAMPLE_VFIO_MDEV_MTTY: 'm',
      SAMPLE_VFIO_MDEV_MDPY: 'm',
      SAMPLE_VFIO_MDEV_MBOCHS: 'm',
    },
  },
};
