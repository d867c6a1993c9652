import type { KernelProfile } from '../../machines/profile.ts';

/** A Kconfig tristate value. */
export type Tristate = 'y' | 'm' | 'n';

/**
 * What the evaluated Kconfig builds, as far as the model cares: VFIO, its IOMMU backends, mdev, the 4.10
 * vfio_mdev bridge and the sample drivers, each built in (y), as a module (m) or not at all (n).
 */
export interface VfioBuild {
  readonly arch: string;
  readonly vfio: Tristate;
  readonly type1: Tristate;
  readonly spaprTce: Tristate;
  readonly spaprEeh: boolean;
  /** CONFIG_VFIO_NOIOMMU. */
  readonly noiommu: boolean;
  readonly mdev: Tristate;
  /** CONFIG_VFIO_MDEV_DEVICE (4.10's vfio_mdev bridge). */
  readonly mdevDevice: Tristate;
  readonly samples: { readonly mtty: Tristate; readonly mdpy: Tristate; readonly mbochs: Tristate };
}

/**
 * Debian's x86-64 configuration (CONFIG_VFIO=m, VFIO_IOMMU_TYPE1=m, VFIO_MDEV=m, VFIO_NOIOMMU unset) with
 * the samples built as modules, as the real-kernel oracle runs it. The 4.10 build also has the vfio_mdev
 * bridge (VFIO_MDEV_DEVICE=m); mdpy and mbochs are the later samples run against the 4.10 interface.
 */
export function debianBuild(kernel: KernelProfile): VfioBuild {
  return {
    arch: 'x86_64',
    vfio: 'm',
    type1: 'm',
    spaprTce: 'n',
    spaprEeh: false,
    noiommu: false,
    mdev: 'm',
    mdevDevice: kernel === 'v4.10' ? 'm' : 'n',
    samples: { mtty: 'm', mdpy: 'm', mbochs: 'm' },
  };
}

/** The backend/module part of an evaluated Kconfig (`src/kconfig` `VfioBackends`). */
export interface KconfigBackends {
  readonly vfio: Tristate;
  readonly type1: Tristate;
  readonly spaprTce: Tristate;
  readonly spaprEeh: Tristate;
  readonly noiommu: boolean;
  readonly mdev: Tristate;
  readonly mdevDevice: Tristate | null;
  readonly samples: { readonly mtty: Tristate; readonly mdpy: Tristate; readonly mbochs: Tristate };
}

/**
 * The build an evaluated Kconfig gives for `arch`. The 4.10 Kconfig has no mdpy/mbochs samples (they came
 * in 2018); the model still offers them at v4.10, built like mtty, as the first upstream versions run
 * against the 4.10 interface.
 */
export function buildFromKconfig(kernel: KernelProfile, arch: string, b: KconfigBackends): VfioBuild {
  const legacySample = (t: Tristate): Tristate => (kernel === 'v4.10' ? b.samples.mtty : t);
  return {
    arch,
    vfio: b.vfio,
    type1: b.type1,
    spaprTce: b.spaprTce,
    spaprEeh: b.spaprEeh !== 'n',
    noiommu: b.noiommu,
    mdev: b.mdev,
    mdevDevice: b.mdevDevice ?? 'n',
    samples: {
      mtty: b.samples.mtty,
      mdpy: legacySample(b.samples.mdpy),
      mbochs: legacySample(b.samples.mbochs),
    },
  };
}
