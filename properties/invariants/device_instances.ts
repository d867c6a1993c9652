import type { TraceEvent } from '../../src/kernel/trace.ts';

/** What the trace says about one device instance (a device object from its birth to its release). */
export interface DeviceInstance {
  readonly uuid: string;
  /** The device object's serial (`dev` of the trace). */
  readonly dev: number;
  readonly parent: string;
  /** The vendor's create (4.10) or probe (6.1) returned 0. */
  created: boolean;
  /** Open device fds, from `vfio.fd.open`/`vfio.fd.close`. */
  openFds: number;
  vendorRemoves: number;
  vfioRegistered: number;
  vfioUnregistered: number;
  /** The vendor open_device/close_device sequence: true while opened. */
  vendorOpen: boolean;
}

/**
 * Tracks device instances through the trace: a device object is born with the first event that names it
 * (`dev`: its reservation at 6.1, its VFIO registration inside `device_register` at 4.10) and gone at its
 * release. Two devices with the same UUID (4.10 allows them on different parents, C-4) stay apart; an event
 * that names no device object (`vendor.state`) applies to the newest live instance of its UUID. Several
 * invariants share it.
 */
export class DeviceInstances {
  private readonly byDev = new Map<number, DeviceInstance>();
  private readonly byUuid = new Map<string, DeviceInstance[]>();

  /** Feeds one event; returns the instance it concerns, if any. */
  feed(e: TraceEvent): DeviceInstance | undefined {
    if (!('uuid' in e) || e.uuid === undefined) return undefined;
    const dev = 'dev' in e ? e.dev : undefined;
    if (dev !== undefined && !this.byDev.has(dev)) {
      const inst: DeviceInstance = {
        uuid: e.uuid,
        dev,
        parent: 'parent' in e ? e.parent : '',
        created: false,
        openFds: 0,
        vendorRemoves: 0,
        vfioRegistered: 0,
        vfioUnregistered: 0,
        vendorOpen: false,
      };
      this.byDev.set(dev, inst);
      this.byUuid.set(e.uuid, [...(this.byUuid.get(e.uuid) ?? []), inst]);
      return inst;
    }
    const list = this.byUuid.get(e.uuid) ?? [];
    const inst = dev !== undefined ? this.byDev.get(dev) : list[list.length - 1];
    if (inst && e.kind === 'mdev.release') {
      this.byDev.delete(inst.dev);
      const rest = list.filter((i) => i !== inst);
      if (rest.length) this.byUuid.set(e.uuid, rest);
      else this.byUuid.delete(e.uuid);
    }
    return inst;
  }

  /** Instances not yet released. */
  all(): DeviceInstance[] {
    return [...this.byDev.values()];
  }
}
