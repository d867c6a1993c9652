import { EFAULT, EINVAL, ENOTTY } from '../kernel/errno.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { Task } from '../kernel/task.ts';
import {
  VFIO_DEVICE_FLAGS_PCI,
  VFIO_PCI_CONFIG_REGION_INDEX,
  VFIO_PCI_NUM_IRQS,
  VFIO_PCI_OFFSET_SHIFT,
  type VfioDeviceInfo,
  type VfioRegionInfo,
} from '../vfio/uapi.ts';
import type { VendorState } from './vendor_state.ts';

/** The identity a sample gives its emulated PCI function, and its region count. */
export interface PciIdentity {
  readonly vendor: number;
  readonly device: number;
  /** `num_regions` of VFIO_DEVICE_GET_INFO (9 for vfio-pci layouts, 10 for mbochs with its EDID region). */
  readonly numRegions: number;
  /** Config space size in bytes (mtty: 0xff). */
  readonly configSize: number;
}

const OFFSET_UNIT = 2 ** VFIO_PCI_OFFSET_SHIFT;

/** `VFIO_PCI_INDEX_TO_OFFSET(index)`. */
function regionOffset(index: number): number {
  return index * OFFSET_UNIT;
}

/**
 * The emulated PCI function the samples expose through their device fd: a config space with the vendor
 * and device IDs (mtty 4348:3253, mdpy 1b36:000f, mbochs 1234:1111), VFIO_DEVICE_GET_INFO and
 * GET_REGION_INFO, and reads of the config region. Register emulation beyond the IDs is not modelled.
 */
export class EmulatedPci {
  readonly config: Uint8Array;

  constructor(readonly id: PciIdentity) {
    this.config = new Uint8Array(id.configSize);
    const v = new DataView(this.config.buffer);
    v.setUint16(0, id.vendor, true);
    v.setUint16(2, id.device, true);
  }

  /** Reads `count` bytes at a region-encoded `offset`: the config region returns its bytes, others zeros. */
  read(count: number, offset: number): Uint8Array | number {
    const index = Math.floor(offset / OFFSET_UNIT);
    const pos = offset - index * OFFSET_UNIT;
    if (index >= this.id.numRegions) return -EINVAL;
    if (index === VFIO_PCI_CONFIG_REGION_INDEX) {
      if (pos + count > this.config.length) return -EINVAL;
      return this.config.slice(pos, pos + count);
    }
    return new Uint8Array(count);
  }

  /** Writes to the config region are accepted and ignored; other regions too. */
  write(data: Uint8Array, offset: number): number {
    const index = Math.floor(offset / OFFSET_UNIT);
    return index >= this.id.numRegions ? -EINVAL : data.length;
  }

  /** The device ioctls every sample answers the same way (GET_INFO, GET_REGION_INFO, RESET). */
  ioctl(cmd: string, arg: unknown): number {
    switch (cmd) {
      case 'VFIO_DEVICE_GET_INFO': {
        const info = arg as VfioDeviceInfo;
        if (info.argsz < 16) return -EINVAL;
        info.flags = VFIO_DEVICE_FLAGS_PCI;
        info.numRegions = this.id.numRegions;
        info.numIrqs = VFIO_PCI_NUM_IRQS;
        return 0;
      }
      case 'VFIO_DEVICE_GET_REGION_INFO': {
        const info = arg as VfioRegionInfo;
        if (info.argsz < 32 || info.index >= this.id.numRegions) return -EINVAL;
        info.offset = regionOffset(info.index);
        info.size = info.index === VFIO_PCI_CONFIG_REGION_INDEX ? this.config.length : 0;
        info.flags = info.size ? 3 : 0;
        return 0;
      }
      case 'VFIO_DEVICE_RESET':
        return 0;
      default:
        return -ENOTTY;
    }
  }
}

/** A sample's per-device state: vendor state with an emulated PCI function. */
export interface PciBackedState extends VendorState {
  readonly pci: EmulatedPci;
}

/**
 * The device-fd callbacks the samples share (`read`, `write`, `ioctl` of their `vfio_device_ops` or
 * `parent_ops`): each first touches the vendor state (so a use after free is reported), then serves the
 * emulated PCI function. A use after free answers -EFAULT, as the samples' access helpers would fault.
 */
export function emulatedPciOps<V>(
  k: () => Kernel,
  stateOf: (vdev: V) => PciBackedState,
): {
  read(task: Task, vdev: V, count: number, offset: number): Promise<Uint8Array | number>;
  write(task: Task, vdev: V, data: Uint8Array, offset: number): Promise<number>;
  ioctl(task: Task, vdev: V, cmd: string, arg: unknown): Promise<number>;
} {
  return {
    read: async (task, vdev, count, offset) => {
      const s = stateOf(vdev);
      return s.use(k(), task, 'read') ? s.pci.read(count, offset) : -EFAULT;
    },
    write: async (task, vdev, data, offset) => {
      const s = stateOf(vdev);
      return s.use(k(), task, 'write') ? s.pci.write(data, offset) : -EFAULT;
    },
    ioctl: async (task, vdev, cmd, arg) => {
      const s = stateOf(vdev);
      return s.use(k(), task, 'ioctl') ? s.pci.ioctl(cmd, arg) : -EFAULT;
    },
  };
}
