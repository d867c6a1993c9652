import type { Tristate } from './tristate.ts';

/**
 * How VFIO and its IOMMU backends are built for one configuration: `y` built in, `m` a module, `n` absent.
 * The type1 and sPAPR TCE backends are separate drivers VFIO registers when they are built; the
 * no-IOMMU backend is part of VFIO itself when VFIO_NOIOMMU is set.
 */
export interface VfioBackends {
  /** VFIO, the core (vfio.ko). */
  readonly vfio: Tristate;
  /** VFIO_IOMMU_TYPE1: vfio_iommu_type1, the backend mdev devices use. */
  readonly type1: Tristate;
  /** VFIO_IOMMU_SPAPR_TCE: vfio_iommu_spapr_tce (powerpc). */
  readonly spaprTce: Tristate;
  /** VFIO_SPAPR_EEH: EEH support for VFIO on powerpc. */
  readonly spaprEeh: Tristate;
  /** VFIO_NOIOMMU: the "vfio-noiommu" backend is compiled in. */
  readonly noiommu: boolean;
  /** VFIO_MDEV: the mdev core (mdev.ko). */
  readonly mdev: Tristate;
  /** VFIO_MDEV_DEVICE: the v4.10 vfio_mdev bridge driver; `null` where the kernel has no such symbol (v6.1). */
  readonly mdevDevice: Tristate | null;
  /** The sample vendor drivers; v4.10 only has mtty, so mdpy and mbochs are n there. */
  readonly samples: { readonly mtty: Tristate; readonly mdpy: Tristate; readonly mbochs: Tristate };
}

/** Reads VFIO's backends off an evaluated configuration; symbols the kernel does not define count as n. */
export function vfioBackends(symbols: ReadonlyMap<string, Tristate>): VfioBackends {
  const value = (name: string): Tristate => symbols.get(name) ?? 'n';
  return {
    vfio: value('VFIO'),
    type1: value('VFIO_IOMMU_TYPE1'),
    spaprTce: value('VFIO_IOMMU_SPAPR_TCE'),
    spaprEeh: value('VFIO_SPAPR_EEH'),
    noiommu: value('VFIO_NOIOMMU') !== 'n',
    mdev: value('VFIO_MDEV'),
    mdevDevice: symbols.has('VFIO_MDEV_DEVICE') ? value('VFIO_MDEV_DEVICE') : null,
    samples: {
      mtty: value('SAMPLE_VFIO_MDEV_MTTY'),
      mdpy: value('SAMPLE_VFIO_MDEV_MDPY'),
      mbochs: value('SAMPLE_VFIO_MDEV_MBOCHS'),
    },
  };
}
