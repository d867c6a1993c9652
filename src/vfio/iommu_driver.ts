import type { IommuGroup } from '../iommu/iommu_group.ts';
import type { Task } from '../kernel/task.ts';

/**
 * How a VFIO group is backed (`enum vfio_group_type`, drivers/vfio/vfio.h): a real IOMMU, an emulated one
 * (mdev), or none (noiommu mode). IOMMU drivers get it with every group attached to them.
 */
export type VfioGroupType = 'iommu' | 'emulated' | 'noiommu';

/** Opaque per-container state of an IOMMU backend (`iommu_data`). */
export interface IommuData {
  readonly backend: string;
  readonly type: number;
  /** Attached groups and how each is backed. */
  readonly groups: Array<{ readonly group: IommuGroup; readonly type: VfioGroupType }>;
}

/**
 * `struct vfio_iommu_driver_ops`: an IOMMU backend VFIO can put behind a container (type1, spapr_tce,
 * noiommu). Which backends exist is decided by the evaluated Kconfig and the loaded modules.
 */
export interface VfioIommuDriverOps {
  readonly name: string;
  /** The module that owns the backend; a container using it holds a reference. */
  readonly owner: string;
  /** `open(arg)`: per-container state, or a negative errno (e.g. -EINVAL for a type it does not implement). */
  open(task: Task, type: number): IommuData | number;
  release(data: IommuData): void;
  /** `ioctl(data, VFIO_CHECK_EXTENSION, ext)`: >0 supported, 0 not. `data` is null before SET_IOMMU. */
  checkExtension(data: IommuData | null, ext: number): number;
  /** `attach_group`: 0 or a negative errno (spapr refuses emulated groups). */
  attachGroup(data: IommuData, group: IommuGroup, type: VfioGroupType): number;
  detachGroup(data: IommuData, group: IommuGroup): void;
  /** Other container ioctls once the backend is set (MAP_DMA, GET_INFO...). */
  ioctl(data: IommuData, cmd: string, arg: unknown): number;
}
