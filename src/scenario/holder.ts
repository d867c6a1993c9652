import { ENOENT } from '../kernel/errno.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { Process } from '../kernel/process.ts';
import type { Task } from '../kernel/task.ts';
import {
  ARGSZ,
  VFIO_DEVICE_FLAGS_PCI,
  VFIO_DEVICE_FLAGS_RESET,
  VFIO_GROUP_FLAGS_CONTAINER_SET,
  VFIO_GROUP_FLAGS_VIABLE,
  VFIO_NOIOMMU_IOMMU,
  VFIO_PCI_CONFIG_REGION_INDEX,
  VFIO_TYPE1_IOMMU,
  VFIO_TYPE1v2_IOMMU,
  VFIO_UNMAP_ALL,
  VFIO_UPDATE_VADDR,
  type VfioDeviceInfo,
  type VfioGroupStatus,
  type VfioRegionInfo,
} from '../vfio/uapi.ts';
import { result } from './syscall_result.ts';

/** One reported VFIO op of a holder, in the runner's output schema. */
export type OpRecord = Record<string, unknown>;

/** The op lists behind the presets of the real-kernel runner. */
const VFIO_PRESETS: Readonly<Record<string, string>> = {
  full: 'container,api,ext,group,status,setc,iommu,dev,info',
  cfg: 'container,api,ext,group,status,setc,iommu,dev,info,cfg',
  'group-only': 'container,api,ext,group,status',
  'dev-before-container': 'container,group,status,dev',
  'dev-before-iommu': 'container,group,status,setc,dev,iommu,dev,info',
  'iommu-before-container': 'container,iommu,group,status,setc,iommu,dev',
};

/** Expands a preset name, or returns the op list as given. */
function expandOps(ops: string): string[] {
  return (VFIO_PRESETS[ops] ?? ops).split(',').filter(Boolean);
}

/**
 * A VFIO holder process of a scenario (`open H UUID OPS`): it keeps a container fd, a group fd and a stack
 * of device fds, and runs VFIO ops on them, reporting each as the real-kernel runner's `vfioctl` does.
 */
export class Holder {
  container = -1;
  group = -1;
  readonly devs: number[] = [];

  constructor(
    private readonly k: Kernel,
    readonly name: string,
    readonly uuid: string,
    readonly process: Process,
  ) {}

  /** Runs the ops of a comma-separated list (or preset) in order; returns their records. */
  async run(task: Task, ops: string, out: OpRecord[]): Promise<void> {
    for (const op of expandOps(ops)) out.push(await this.op(task, op));
  }

  /**
   * `close H`: closes the device fds (last first), then the group, then the container, reporting each; then
   * the process exits, which closes whatever else it still holds (a replaced group or container fd).
   */
  async closeAll(task: Task, out: OpRecord[]): Promise<void> {
    while (this.devs.length) out.push(await this.op(task, 'closedev'));
    if (this.group >= 0) out.push(await this.op(task, 'closegroup'));
    if (this.container >= 0) out.push(await this.op(task, 'closecontainer'));
    await this.k.vfs.exitFiles(task, this.process);
  }

  /** Runs one op (`name` or `name:arg`), through the handler of its name. */
  async op(task: Task, op: string): Promise<OpRecord> {
    const colon = op.indexOf(':');
    const name = colon < 0 ? op : op.slice(0, colon);
    const arg = colon < 0 ? null : op.slice(colon + 1);
    const rec: OpRecord = { op };
    const lastDev = this.devs.length ? this.devs[this.devs.length - 1]! : -1;
    const handler = this.handlers.get(name);
    if (handler) await handler({ task, rec, name, arg, lastDev });
    else rec.error = 'unknown vfio op';
    rec.ms = 0;
    return rec;
  }

  /** The ops by name (the runner's vocabulary); `sleep` does nothing in the model. */
  private readonly handlers: ReadonlyMap<string, (call: OpCall) => Promise<void>> = new Map<
    string,
    (call: OpCall) => Promise<void>
  >([
    ['container', (c) => this.openContainer(c)],
    ['api', (c) => this.containerIoctl(c, 'VFIO_GET_API_VERSION')],
    ['ext', (c) => this.checkExtensions(c)],
    ['group', (c) => this.openGroup(c)],
    ['groupof', (c) => this.openGroup(c)],
    ['status', (c) => this.groupStatus(c)],
    ['setc', (c) => this.groupIoctl(c, 'VFIO_GROUP_SET_CONTAINER', this.container)],
    ['unsetc', (c) => this.groupIoctl(c, 'VFIO_GROUP_UNSET_CONTAINER')],
    ['iommu', (c) => this.setIommu(c)],
    ['iommu1', (c) => this.setIommu(c)],
    ['iommu2', (c) => this.setIommu(c)],
    ['dev', (c) => this.openDevice(c)],
    ['info', (c) => this.deviceInfo(c)],
    ['cfg', (c) => this.readConfig(c)],
    ['reset', (c) => this.deviceIoctl(c, 'VFIO_DEVICE_RESET')],
    ['closedev', (c) => this.closeDevice(c)],
    ['closegroup', (c) => this.closeGroup(c)],
    ['closecontainer', (c) => this.closeContainer(c)],
    ['sleep', async () => {}],
  ]);

  /** `open("/dev/vfio/vfio")`; a second container fd replaces the first, which stays open. */
  private async openContainer({ task, rec }: OpCall): Promise<void> {
    const fd = await this.k.vfs.open(task, '/dev/vfio/vfio', 'rw');
    if (fd >= 0) {
      if (this.container >= 0) rec.note = 'second container fd; first kept open';
      this.container = fd;
    }
    Object.assign(rec, result(fd));
  }

  /** An ioctl on the container fd. */
  private async containerIoctl({ task, rec }: OpCall, cmd: string): Promise<void> {
    if (need(rec, this.container, 'container'))
      Object.assign(rec, result(await this.k.vfs.ioctl(task, this.container, cmd)));
  }

  /** `VFIO_CHECK_EXTENSION` for each extension the runner reports; the result is type1v2's. */
  private async checkExtensions({ task, rec }: OpCall): Promise<void> {
    if (!need(rec, this.container, 'container')) return;
    const exts: Array<[string, number]> = [
      ['type1', VFIO_TYPE1_IOMMU],
      ['type1v2', VFIO_TYPE1v2_IOMMU],
      ['noiommu', VFIO_NOIOMMU_IOMMU],
      ['unmap_all', VFIO_UNMAP_ALL],
      ['update_vaddr', VFIO_UPDATE_VADDR],
    ];
    let v2 = 0;
    for (const [key, ext] of exts) {
      const r = await this.k.vfs.ioctl(task, this.container, 'VFIO_CHECK_EXTENSION', ext);
      rec[key] = r < 0 ? `-${result(r).err}` : r;
      if (ext === VFIO_TYPE1v2_IOMMU) v2 = r;
    }
    Object.assign(rec, result(v2));
  }

  /**
   * Opens `/dev/vfio/<N>`: `group:N` names the group, `group` and `groupof:UUID` follow the device's
   * `iommu_group` link (ENOENT when it has none); a second group fd replaces the first, which stays open.
   */
  private async openGroup({ task, rec, name, arg }: OpCall): Promise<void> {
    let num: string | null = arg;
    if (name === 'groupof' || arg === null) {
      num = this.k.vfs.linkTarget(
        `/sys/bus/mdev/devices/${name === 'groupof' ? arg : this.uuid}/iommu_group`,
      );
      if (num === null) {
        rec.stage = 'resolve iommu_group';
        Object.assign(rec, result(-ENOENT));
        return;
      }
    }
    rec.path = `/dev/vfio/${num}`;
    const fd = await this.k.vfs.open(task, `/dev/vfio/${num}`, 'rw');
    if (fd >= 0) {
      if (this.group >= 0) rec.note = 'second group fd; first kept open';
      this.group = fd;
    }
    Object.assign(rec, result(fd));
  }

  /** An ioctl on the group fd. */
  private async groupIoctl({ task, rec }: OpCall, cmd: string, arg?: unknown): Promise<void> {
    if (need(rec, this.group, 'group'))
      Object.assign(rec, result(await this.k.vfs.ioctl(task, this.group, cmd, arg)));
  }

  /** `VFIO_GROUP_GET_STATUS`, with its flags decoded. */
  private async groupStatus({ task, rec }: OpCall): Promise<void> {
    if (!need(rec, this.group, 'group')) return;
    const st: VfioGroupStatus = { argsz: ARGSZ.groupStatus, flags: 0 };
    const r = await this.k.vfs.ioctl(task, this.group, 'VFIO_GROUP_GET_STATUS', st);
    Object.assign(rec, result(r));
    if (r >= 0)
      Object.assign(rec, {
        flags: st.flags,
        viable: (st.flags & VFIO_GROUP_FLAGS_VIABLE) !== 0,
        container_set: (st.flags & VFIO_GROUP_FLAGS_CONTAINER_SET) !== 0,
      });
  }

  /** `VFIO_SET_IOMMU`: TYPE1 for `iommu1`, TYPE1v2 otherwise. */
  private async setIommu({ task, rec, name }: OpCall): Promise<void> {
    if (!need(rec, this.container, 'container')) return;
    const type = name === 'iommu1' ? VFIO_TYPE1_IOMMU : VFIO_TYPE1v2_IOMMU;
    rec.type = type === VFIO_TYPE1_IOMMU ? 'VFIO_TYPE1_IOMMU' : 'VFIO_TYPE1v2_IOMMU';
    Object.assign(rec, result(await this.k.vfs.ioctl(task, this.container, 'VFIO_SET_IOMMU', type)));
  }

  /** `VFIO_GROUP_GET_DEVICE_FD` for `dev:NAME`, or for the holder's device; the new fd goes on the stack. */
  private async openDevice({ task, rec, arg }: OpCall): Promise<void> {
    if (!need(rec, this.group, 'group')) return;
    const devName = arg ?? this.uuid;
    rec.name = devName;
    const fd = await this.k.vfs.ioctl(task, this.group, 'VFIO_GROUP_GET_DEVICE_FD', devName);
    if (fd >= 0) this.devs.push(fd);
    Object.assign(rec, result(fd));
  }

  /** `VFIO_DEVICE_GET_INFO` on the newest device fd, with its flags decoded. */
  private async deviceInfo({ task, rec, lastDev }: OpCall): Promise<void> {
    if (!need(rec, lastDev, 'device')) return;
    const info: VfioDeviceInfo = { argsz: ARGSZ.deviceInfo, flags: 0, numRegions: 0, numIrqs: 0 };
    const r = await this.k.vfs.ioctl(task, lastDev, 'VFIO_DEVICE_GET_INFO', info);
    Object.assign(rec, result(r));
    if (r >= 0) {
      Object.assign(rec, {
        flags: info.flags,
        pci: (info.flags & VFIO_DEVICE_FLAGS_PCI) !== 0,
        reset: (info.flags & VFIO_DEVICE_FLAGS_RESET) !== 0,
        num_regions: info.numRegions,
        num_irqs: info.numIrqs,
      });
    }
  }

  /** Reads the vendor and device ids from PCI config space (its region's offset from `GET_REGION_INFO`). */
  private async readConfig({ task, rec, lastDev }: OpCall): Promise<void> {
    if (!need(rec, lastDev, 'device')) return;
    const ri: VfioRegionInfo = {
      argsz: ARGSZ.regionInfo,
      index: VFIO_PCI_CONFIG_REGION_INDEX,
      flags: 0,
      size: 0,
      offset: 0,
    };
    let r = await this.k.vfs.ioctl(task, lastDev, 'VFIO_DEVICE_GET_REGION_INFO', ri);
    if (r >= 0) {
      const data = await this.k.vfs.read(task, lastDev, 4, ri.offset);
      if (typeof data === 'number') r = data;
      else {
        r = data.length;
        const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
        rec.vendor = v.getUint16(0, true).toString(16).padStart(4, '0');
        rec.device = v.getUint16(2, true).toString(16).padStart(4, '0');
      }
    }
    Object.assign(rec, result(r));
  }

  /** An ioctl on the newest device fd. */
  private async deviceIoctl({ task, rec, lastDev }: OpCall, cmd: string): Promise<void> {
    if (need(rec, lastDev, 'device')) Object.assign(rec, result(await this.k.vfs.ioctl(task, lastDev, cmd)));
  }

  /** Closes the newest device fd. */
  private async closeDevice({ task, rec, lastDev }: OpCall): Promise<void> {
    if (need(rec, lastDev, 'device'))
      Object.assign(rec, result(await this.k.vfs.close(task, this.devs.pop()!)));
  }

  /** Closes the group fd. */
  private async closeGroup({ task, rec }: OpCall): Promise<void> {
    if (!need(rec, this.group, 'group')) return;
    const fd = this.group;
    this.group = -1;
    Object.assign(rec, result(await this.k.vfs.close(task, fd)));
  }

  /** Closes the container fd. */
  private async closeContainer({ task, rec }: OpCall): Promise<void> {
    if (!need(rec, this.container, 'container')) return;
    const fd = this.container;
    this.container = -1;
    Object.assign(rec, result(await this.k.vfs.close(task, fd)));
  }
}

/** What one op works with: its task, the record it fills, its name and argument, and the newest device fd. */
interface OpCall {
  readonly task: Task;
  readonly rec: OpRecord;
  readonly name: string;
  /** The part after the colon (`group:N`, `groupof:UUID`, `dev:NAME`), or null. */
  readonly arg: string | null;
  /** The newest device fd, or -1. */
  readonly lastDev: number;
}

/** Whether the fd an op needs is open; if not, the op is reported as skipped (`no <what> fd`). */
function need(rec: OpRecord, fd: number, what: string): boolean {
  if (fd >= 0) return true;
  rec.skipped = `no ${what} fd`;
  return false;
}
