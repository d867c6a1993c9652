/** `VFIO_API_VERSION` (include/uapi/linux/vfio.h). */
export const VFIO_API_VERSION = 0;

/** IOMMU types / extensions answered by VFIO_CHECK_EXTENSION and chosen with VFIO_SET_IOMMU. */
export const VFIO_TYPE1_IOMMU = 1;
export const VFIO_SPAPR_TCE_IOMMU = 2;
export const VFIO_TYPE1v2_IOMMU = 3;
export const VFIO_DMA_CC_IOMMU = 4;
export const VFIO_EEH = 5;
export const VFIO_TYPE1_NESTING_IOMMU = 6;
export const VFIO_SPAPR_TCE_v2_IOMMU = 7;
export const VFIO_NOIOMMU_IOMMU = 8;
export const VFIO_UNMAP_ALL = 9;
export const VFIO_UPDATE_VADDR = 10;

/** `struct vfio_group_status` flags. */
export const VFIO_GROUP_FLAGS_VIABLE = 1 << 0;
export const VFIO_GROUP_FLAGS_CONTAINER_SET = 1 << 1;

/** `struct vfio_device_info` flags. */
export const VFIO_DEVICE_FLAGS_RESET = 1 << 0;
export const VFIO_DEVICE_FLAGS_PCI = 1 << 1;

/** vfio-pci region indexes and counts. */
export const VFIO_PCI_CONFIG_REGION_INDEX = 7;
export const VFIO_PCI_NUM_IRQS = 5;
/** vfio-pci encodes the region index in the top bits of the file offset (VFIO_PCI_OFFSET_SHIFT). */
export const VFIO_PCI_OFFSET_SHIFT = 40;

/** The ioctl requests of the model, by name. */
export type VfioIoctl =
  | 'VFIO_GET_API_VERSION'
  | 'VFIO_CHECK_EXTENSION'
  | 'VFIO_SET_IOMMU'
  | 'VFIO_IOMMU_MAP_DMA'
  | 'VFIO_IOMMU_GET_INFO'
  | 'VFIO_GROUP_GET_STATUS'
  | 'VFIO_GROUP_SET_CONTAINER'
  | 'VFIO_GROUP_UNSET_CONTAINER'
  | 'VFIO_GROUP_GET_DEVICE_FD'
  | 'VFIO_DEVICE_GET_INFO'
  | 'VFIO_DEVICE_GET_REGION_INFO'
  | 'VFIO_DEVICE_GET_IRQ_INFO'
  | 'VFIO_DEVICE_RESET';

/** `struct vfio_group_status` (argsz, flags). */
export interface VfioGroupStatus {
  argsz: number;
  flags: number;
}

/** `struct vfio_device_info`. */
export interface VfioDeviceInfo {
  argsz: number;
  flags: number;
  numRegions: number;
  numIrqs: number;
}

/** `struct vfio_region_info`. */
export interface VfioRegionInfo {
  argsz: number;
  index: number;
  flags: number;
  size: number;
  offset: number;
}

/** The size a correct caller passes in `argsz` (minsz of each struct). */
export const ARGSZ = { groupStatus: 8, deviceInfo: 16, regionInfo: 32 } as const;
